package passkey

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/appcode"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/methodstest"
	"github.com/frontdoor-sspr/frontdoor/testenv"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// TestBrowserTwoGatesAppCodeAndPasskey registers a passkey in headless Chromium, held by a
// virtual authenticator (DevTools protocol, user verification on), then
// resets alice's password through the reset flow's real pages with two
// gates: a code from her authenticator app, then the passkey (passkey.js,
// under the pages' content security policy).
func TestBrowserTwoGatesAppCodeAndPasskey(t *testing.T) {
	exe := testenv.Require(t, "chromium", "CHROMIUM_PATH")[0]
	site := flowtest.ListenLocalhost(t)
	origin := site.Origin

	env := flowtest.New(t)
	alice := env.AddUser("alice")
	p := New(methods.Env{Registrations: methodstest.NewRegistrations(), Codes: env.Codes,
		Config: &config.Config{Server: config.Server{PublicURL: origin}, Organization: "Example Corp"}})
	app := appcode.New(methods.Env{Registrations: p.Registrations, Codes: env.Codes, Config: &config.Config{Organization: "Example Corp"}})
	setup, err := app.Begin(context.Background(), alice)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.ReplaceAll(setup.Key, " ", "")
	first, _ := totp.GenerateCode(key, env.Clock.Now().Add(-appcode.Period))
	if _, err := app.Confirm(context.Background(), alice, first); err != nil {
		t.Fatal(err)
	}
	env.Methods = []methods.Method{app, p}
	env.Reset(config.Reset{MethodsRequired: 2, Methods: []string{appcode.Name, Name}})
	env.Mux.Handle("GET "+flowtest.Prefix+"static/", env.Templates.StaticHandler())
	// A stand-in for the security info page: the registration ceremony
	// with the same script (flows/register mounts the real one).
	env.Mux.HandleFunc("GET /test/register", func(w http.ResponseWriter, r *http.Request) {
		opts, err := p.BeginRegistration(r.Context(), alice)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		web.AllowScripts(w.Header())
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>register</title>
<form method="post" action="/test/register" data-passkey-create="%s">
<input type="hidden" name="credential"><button type="button" id="go" data-passkey-start hidden>Register</button>
<p data-passkey-failed hidden>failed</p></form>
<script src="%sstatic/passkey.js"></script>`, html.EscapeString(string(opts)), flowtest.Prefix)
	})
	env.Mux.HandleFunc("POST /test/register", func(w http.ResponseWriter, r *http.Request) {
		if _, err := p.FinishRegistration(r.Context(), alice, []byte(r.PostFormValue("credential"))); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		fmt.Fprint(w, `<!doctype html><title>ok</title><p id="done">registered</p>`)
	})
	site.Serve(t, env.Handler)

	br := flowtest.NewChromium(t, exe)
	ctx := br.Ctx
	do := func(what ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		br.Do(t, what...)
	}

	// Registration.
	do(chromedp.Navigate(origin+"/test/register"), chromedp.WaitVisible(chromedp.ID("go")), chromedp.Click(chromedp.ID("go")),
		chromedp.WaitVisible(chromedp.ID("done")))
	if n, _ := p.Count(context.Background(), alice); n != 1 {
		t.Fatalf("alice has %d passkeys after registering in the browser", n)
	}
	creds, err := chromedp.Call(ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: br.Authenticator})
	if err != nil || len(creds.Credentials) != 1 {
		t.Fatalf("the virtual authenticator holds %+v (%v)", creds, err)
	}

	// Reset: the app's code, then the passkey.
	code, _ := totp.GenerateCode(key, env.Clock.Now())
	do(chromedp.Navigate(origin+flowtest.Prefix+"reset"), chromedp.WaitVisible(chromedp.ID("f-login")),
		chromedp.SendKeys(chromedp.ID("f-login"), "alice"), chromedp.Submit(chromedp.ID("f-login")),
		chromedp.WaitVisible(chromedp.ID("m-"+appcode.Name)), chromedp.Click(chromedp.ID("m-"+appcode.Name)),
		chromedp.Submit(chromedp.ID("m-"+appcode.Name)),
		chromedp.WaitVisible(chromedp.ID("f-code")), chromedp.SendKeys(chromedp.ID("f-code"), code),
		chromedp.Submit(chromedp.ID("f-code")),
		chromedp.WaitVisible(chromedp.ID("m-"+Name)), chromedp.Click(chromedp.ID("m-"+Name)),
		chromedp.Submit(chromedp.ID("m-"+Name)),
		chromedp.WaitVisible(chromedp.CSS("button[data-passkey-start]")),
		chromedp.Click(chromedp.CSS("button[data-passkey-start]")))
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.ID("f-password"))); err != nil {
		page, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
		t.Fatalf("no password page after the passkey: %v\n%s", err, page)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if want := html.UnescapeString(env.Text("reset.password.new")); !strings.Contains(body, want) {
		t.Fatalf("after the passkey the page says:\n%s", body)
	}
	const pw = "Blue-Kettle-Morning-47!"
	br.SubmitNewPassword(t, wctx, pw)
	if _, got, _ := env.Dir.User(alice.ID); got != pw {
		t.Fatalf("alice's password is %q after the reset", got)
	}
	creds, _ = chromedp.Call(ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: br.Authenticator})
	if len(creds.Credentials) != 1 || creds.Credentials[0].SignCount < 2 {
		t.Fatalf("the authenticator was not used to sign in: %+v", creds)
	}
	if problems := br.Problems(); len(problems) > 0 {
		t.Fatalf("the pages broke their policy or threw: %v", problems)
	}
}
