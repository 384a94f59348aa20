package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontdoor-sspr/frontdoor/testenv"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// TestBrowserResetWalk walks the reset flow in headless Chromium as a user
// would: from the SimpleSAMLphp sign-in page through frontdoor to the
// signed-in SimpleSAMLphp page, with a screenshot of every page, an
// accessibility check of frontdoor's own pages, and no CSP violation anywhere.
func TestBrowserResetWalk(t *testing.T) {
	start := time.Now()
	ssp := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	mp := testenv.Mailpit(t)
	b := startChromium(t, 2*time.Minute)
	fd := startFrontdoor(t, nil)
	login, mail := throwawayUser(t, "browser", "Browser-Start-2026!")
	// A new password every run, though the user is new too.
	newPassword := "Lantern-Orchard-" + strconv.FormatInt(time.Now().UnixNano()%1e6, 36) + "-47"
	const submit = "main form button[type=submit]"

	// The sign-in page, served through frontdoor, with the injected link.
	b.load(chromedp.Navigate(fd.URL + ssp))
	b.do(chromedp.WaitVisible(chromedp.ID("username")))
	const forgot = `a.frontdoor-link[href^="/.frontdoor/reset?"]`
	if got := b.text(forgot); got != "Forgot my password" {
		t.Fatalf("injected link reads %q", got)
	}
	b.shot("signin")
	b.load(chromedp.Click(chromedp.CSS(forgot)))

	// Identify: user ID and CAPTCHA.
	b.do(chromedp.WaitVisible(chromedp.ID("f-captcha")))
	if h1 := b.text("h1"); h1 != "Get back into your account" {
		t.Errorf("identify page title %q", h1)
	}
	b.shot("identify")
	b.checkA11y("identify")
	answer := fd.captchaAnswer(t, b.jar(fd), "reset")
	b.do(chromedp.SendKeys(chromedp.ID("f-login"), login),
		chromedp.SendKeys(chromedp.ID("f-captcha"), answer))
	b.load(chromedp.Click(chromedp.CSS(submit)))

	// Method: email, the only one configured.
	b.do(chromedp.WaitVisible(chromedp.ID("m-email")))
	b.shot("method")
	b.checkA11y("method")
	b.load(chromedp.Click(chromedp.ID("m-email")), chromedp.Click(chromedp.CSS(submit)))

	// Verify: the code from the email.
	b.do(chromedp.WaitVisible(chromedp.ID("f-code")))
	b.shot("verify")
	b.checkA11y("verify")
	msg, err := mp.WaitFor(context.Background(), mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) })
	if err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SendKeys(chromedp.ID("f-code"), codeRE.FindStringSubmatch(msg.Text)[1]))
	b.load(chromedp.Click(chromedp.CSS(submit)))

	// New password, typed twice, with the rules shown.
	b.do(chromedp.WaitVisible(chromedp.ID("f-confirm")))
	if rules := b.text("section.rules"); !strings.Contains(rules, "8") {
		t.Errorf("password rules do not give the length:\n%s", rules)
	}
	b.shot("password")
	b.checkA11y("password")
	b.do(chromedp.SendKeys(chromedp.ID("f-password"), newPassword),
		chromedp.SendKeys(chromedp.ID("f-confirm"), newPassword))
	b.load(chromedp.Click(chromedp.CSS(submit)))

	// Done, with the link back to the sign-in page.
	b.do(chromedp.WaitVisible(chromedp.CSS("a.button")))
	if h1 := b.text("h1"); h1 != "Your password has been reset" {
		t.Fatalf("done page title %q", h1)
	}
	b.shot("done")
	b.checkA11y("done")
	b.load(chromedp.Click(chromedp.CSS("a.button")))

	// Back at SimpleSAMLphp: sign in with the new password.
	b.do(chromedp.WaitVisible(chromedp.ID("username")))
	if loc := b.location(); !strings.HasPrefix(loc, fd.URL+"/simplesaml/module.php/core/loginuserpass.php?AuthState=") {
		t.Errorf("back link led to %s", loc)
	}
	b.shot("signin-again")
	b.do(chromedp.SendKeys(chromedp.ID("username"), login),
		chromedp.SendKeys(chromedp.ID("password"), newPassword))
	b.load(chromedp.Click(chromedp.ID("submit_button")))
	b.do(chromedp.WaitReady(chromedp.CSS("body")))
	b.shot("signed-in")
	if body := b.text("body"); !strings.Contains(body, mail) {
		t.Fatalf("the signed-in page does not list %s:\n%s", mail, body)
	}
	if err := slapdBind(t, login, newPassword); err != nil {
		t.Errorf("bind with the new password: %v", err)
	}

	console, csp := b.messages()
	for _, m := range console {
		t.Log("console: " + m)
	}
	for _, m := range csp {
		t.Error("CSP violation: " + m)
	}
	t.Logf("walk took %s; screenshots in %s", time.Since(start).Round(time.Millisecond), b.shots)
}

// TestBrowserChecksSeeProblems checks the walk's own checks on a page served
// with frontdoor's security headers: a style that the CSP refuses shows up
// among the violations, and axe-core finds an unlabelled field and an image
// without a text alternative.
func TestBrowserChecksSeeProblems(t *testing.T) {
	srv := httptest.NewServer(web.SecurityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!DOCTYPE html><html lang="en"><title>t</title><style>body{color:red}</style>`+
			`<main><h1>t</h1><img src="data:,"><form><input name="x"></form></main></html>`)
	})))
	defer srv.Close()
	b := startChromium(t, time.Minute)
	b.load(chromedp.Navigate(srv.URL))
	b.do(chromedp.WaitReady(chromedp.CSS("form")))

	found := map[string]string{}
	for _, v := range b.axeCheck("test") {
		found[v.ID] = v.Impact
	}
	for _, id := range []string{"label", "image-alt"} {
		if found[id] != "critical" {
			t.Errorf("axe: rule %s: got impact %q, want critical (all: %v)", id, found[id], found)
		}
	}

	deadline := time.Now().Add(5 * time.Second)
	for {
		_, csp := b.messages()
		if len(csp) > 0 {
			return
		}
		if time.Now().After(deadline) {
			console, _ := b.messages()
			t.Fatalf("an inline style under frontdoor's CSP was not reported; console: %q", console)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
