package register_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/passkey"
	"github.com/frontdoor-sspr/frontdoor/flows/register"
	"github.com/frontdoor-sspr/frontdoor/flows/register/enrolment"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestBrowserPasskeyOnSecurityInfoThenReset registers a passkey on the real
// Security info page in headless Chromium, held by a virtual authenticator
// (DevTools protocol, user verification on), then resets the password
// with it through the reset's pages: passkey.js under the pages' policy,
// allowed on those two pages only. The sign-in is the Sessions double.
func TestBrowserPasskeyOnSecurityInfoThenReset(t *testing.T) {
	exe := testenv.Require(t, "chromium", "CHROMIUM_PATH")[0]
	site := flowtest.ListenLocalhost(t)
	origin := site.Origin

	e := flowtest.New(t)
	var pk *passkey.Passkey
	re := e.RegisterWith(register.Options{}, 3, func(env methods.Env) register.Enrolments {
		env.Config.Server.PublicURL = origin
		pk = passkey.New(env)
		return enrolment.From([]methods.Method{pk}, []string{passkey.Name})
	})
	e.Methods = append(e.Methods, pk)
	e.Reset(config.Reset{Methods: []string{"email", passkey.Name}})
	alice := e.AddUser("alice")
	e.Mux.Handle("GET "+flowtest.Prefix+"static/", e.Templates.StaticHandler())
	// The sign-in double's session, handed to Chromium as a cookie.
	signedIn := e.Browser()
	re.Sessions.SignIn(signedIn, alice)
	e.Mux.HandleFunc("GET /test/signin", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: flowtest.SessionCookie, Value: signedIn.Cookie(flowtest.SessionCookie), Path: "/", HttpOnly: true})
		http.Redirect(w, r, flowtest.Prefix+"register", http.StatusSeeOther)
	})
	site.Serve(t, e.Handler)

	br := flowtest.NewChromium(t, exe)
	ctx := br.Ctx
	do := func(what ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		br.Do(t, what...)
	}
	text := func() string {
		body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatal(err)
		}
		return body
	}
	want := func(id string) string { return html.UnescapeString(e.Text(id)) }

	// Registration on the Security info page.
	addButton := chromedp.CSS(`form[action$="register/passkey/begin"] button`)
	do(chromedp.Navigate(origin+"/test/signin"), chromedp.WaitVisible(addButton), chromedp.Click(addButton),
		chromedp.WaitVisible(chromedp.CSS("button[data-passkey-start]")), chromedp.Click(chromedp.CSS("button[data-passkey-start]")))
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.ID("flash"))); err != nil {
		t.Fatalf("no message after the ceremony: %v\n%s", err, text())
	}
	if body := text(); !strings.Contains(body, want("register.saved.passkey")) {
		t.Fatalf("after the ceremony the page says:\n%s", body)
	}
	if n, _ := pk.Count(context.Background(), alice); n != 1 {
		t.Fatalf("alice has %d passkeys after registering on the page", n)
	}
	if ns := re.Notices(); len(ns) != 1 || ns[0].Change.What != passkey.Name || ns[0].Change.Action != methods.ChangeRegistered {
		t.Fatalf("notices = %+v; want one of the passkey's registration", ns)
	}

	// Reset with it.
	do(chromedp.Navigate(origin+flowtest.Prefix+"reset"), chromedp.WaitVisible(chromedp.ID("f-login")),
		chromedp.SendKeys(chromedp.ID("f-login"), "alice"), chromedp.Submit(chromedp.ID("f-login")),
		chromedp.WaitVisible(chromedp.ID("m-"+passkey.Name)), chromedp.Click(chromedp.ID("m-"+passkey.Name)),
		chromedp.Submit(chromedp.ID("m-"+passkey.Name)),
		chromedp.WaitVisible(chromedp.CSS("button[data-passkey-start]")),
		chromedp.Click(chromedp.CSS("button[data-passkey-start]")))
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.ID("f-password"))); err != nil {
		t.Fatalf("no password page after the passkey: %v\n%s", err, text())
	}
	const pw = "Copper-Lantern-Harbour-52!"
	br.SubmitNewPassword(t, wctx, pw)
	if _, got, _ := e.Dir.User(alice.ID); got != pw {
		t.Fatalf("alice's password is %q after the reset", got)
	}
	creds, _ := chromedp.Call(ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: br.Authenticator})
	if len(creds.Credentials) != 1 || creds.Credentials[0].SignCount < 2 {
		t.Fatalf("the authenticator was not used at the reset: %+v", creds)
	}
	if problems := br.Problems(); len(problems) > 0 {
		t.Fatalf("the pages broke their policy or threw: %v", problems)
	}
}
