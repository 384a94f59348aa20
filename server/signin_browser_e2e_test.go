package server

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserOIDCChange walks the signed-in change in headless Chromium:
// Keycloak's sign-in page, the change, sign-out through Keycloak's end
// session (a refresh, since the page's CSP keeps forms on frontdoor), with no
// CSP violation on the way.
func TestBrowserOIDCChange(t *testing.T) {
	rp := rpTestenv(t)
	login, _, old := slapdUser(t)
	fd := startFrontdoor(t, oidcConfig(t, rp))
	// Keycloak's certificate is the testenv CA's; the browser has no way to
	// trust a CA but its store, so it skips the check for this test only.
	b := startChromium(t, 2*time.Minute, chromedp.Flag("ignore-certificate-errors", true))
	const submit = "main form button[type=submit]"

	b.load(chromedp.Navigate(fd.URL + "/.frontdoor/change"))
	b.do(chromedp.WaitVisible(chromedp.ID("username")))
	if loc := b.location(); !strings.HasPrefix(loc, rp.issuer+"/protocol/openid-connect/auth?") {
		t.Fatalf("sign-in page at %s", loc)
	}
	b.shot("keycloak")
	b.do(chromedp.SendKeys(chromedp.ID("username"), login), chromedp.SendKeys(chromedp.ID("password"), old))
	b.load(chromedp.Click(chromedp.ID("kc-login")))

	b.do(chromedp.WaitVisible(chromedp.ID("f-old")))
	if h1 := b.text("h1"); h1 != "Change your password" {
		t.Fatalf("change page title %q", h1)
	}
	b.shot("change")
	b.checkA11y("change")
	newPW := "Browser-Change-" + rand.Text()[:8] + "!"
	b.do(chromedp.SendKeys(chromedp.ID("f-old"), old), chromedp.SendKeys(chromedp.ID("f-password"), newPW),
		chromedp.SendKeys(chromedp.ID("f-confirm"), newPW))
	b.load(chromedp.Click(chromedp.CSS(submit)))
	b.do(chromedp.WaitVisible(chromedp.CSS("h1")))
	if h1 := b.text("h1"); h1 != "Your password has been changed" {
		t.Fatalf("after the change: %q", h1)
	}
	b.shot("changed")
	if err := slapdBind(t, login, newPW); err != nil {
		t.Errorf("bind with the new password: %v", err)
	}

	// Sign out: frontdoor's session, then Keycloak's, back on frontdoor.
	b.load(chromedp.Navigate(fd.URL + "/.frontdoor/change"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`form[action="/.frontdoor/signout"] button`)))
	b.do(chromedp.Click(chromedp.CSS(`form[action="/.frontdoor/signout"] button`)))
	deadline := time.Now().Add(20 * time.Second)
	for !strings.HasPrefix(b.location(), fd.URL+"/.frontdoor/signedout") {
		if time.Now().After(deadline) {
			t.Fatalf("sign-out stopped at %s", b.location())
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("h1")))
	b.shot("signed-out")
	// Keycloak's session ended too: the change page asks for the password.
	b.load(chromedp.Navigate(fd.URL + "/.frontdoor/change"))
	b.do(chromedp.WaitVisible(chromedp.ID("username")))

	console, csp := b.messages()
	for _, m := range console {
		t.Log("console: " + m)
	}
	for _, m := range csp {
		t.Error("CSP violation: " + m)
	}
}
