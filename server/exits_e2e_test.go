package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

var cancelRE = regexp.MustCompile(`<a class="cancel" href="([^"]+)">`)

// cancelLink returns the page's way out of its flow.
func cancelLink(t *testing.T, body string) string {
	t.Helper()
	m := cancelRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no Cancel link in:\n%s", body)
	}
	return htmlUnescape(m[1])
}

// failedSignIn signs in with a wrong password at SimpleSAMLphp through
// frontdoor and returns the page that answers: its address has lost the
// AuthState, which came in the POST, and so have its injected links.
func failedSignIn(t *testing.T, fd *frontdoor, c *http.Client, login string) string {
	t.Helper()
	start := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	_, u, body := page(t, c, "GET", fd.URL+start, nil)
	action := u.Path + "?" // the form posts to "?": the same page, without its query
	_, _, body = page(t, c, "POST", fd.URL+action, url.Values{"username": {login}, "password": {"not-the-password"},
		"AuthState": {hiddenValue(t, body, "AuthState")}})
	link := injectedLink(t, body, "Forgot my password")
	if strings.Contains(link, "AuthState") {
		t.Fatalf("after a failed sign-in the injected link still has the AuthState: %s", link)
	}
	return body
}

// signInWorks follows link as the user would and checks that it ends on
// SimpleSAMLphp's sign-in form, answered 200: not "Missing AuthState".
func signInWorks(t *testing.T, c *http.Client, exit, link string) {
	t.Helper()
	status, u, body := page(t, c, "GET", link, nil)
	if status != http.StatusOK || !strings.Contains(body, `name="AuthState"`) || !strings.Contains(body, `name="password"`) {
		t.Errorf("%s: %s leads to %d at %s, not a sign-in form:\n%.600s", exit, link, status, u, body)
	}
}

// TestEveryExitLeadsToAWorkingSignIn walks, from the page SimpleSAMLphp
// shows after a failed sign-in (the path of a locked-out user), every exit
// of every flow, and follows its link: each must end on a sign-in form.
func TestEveryExitLeadsToAWorkingSignIn(t *testing.T) {
	start := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	cfg := testConfig(t)
	cfg.Upstream.SignInURL = start
	cfg.Helpdesk = &config.Helpdesk{Email: helpdeskAddress(t)}
	fd := startFrontdoor(t, cfg)
	login, mail, _ := slapdUser(t)
	mp := testenv.Mailpit(t)
	ctx := context.Background()

	t.Run("reset: cancel at each step, then done", func(t *testing.T) {
		c := browser(t)
		if err := mp.Delete(ctx, mail); err != nil {
			t.Fatal(err)
		}
		body := failedSignIn(t, fd, c, login)
		_, _, body = page(t, c, "GET", fd.URL+injectedLink(t, body, "Forgot my password"), nil)
		exits := map[string]string{"identify": cancelLink(t, body)}
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
			"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, "reset")}})
		exits["method"] = cancelLink(t, body)
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
		exits["verify"] = cancelLink(t, body)
		msg, err := mp.WaitFor(ctx, mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) })
		if err != nil {
			t.Fatal(err)
		}
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{
			"csrf_token": {csrf(t, body)}, "code": {codeRE.FindStringSubmatch(msg.Text)[1]}})
		exits["password"] = cancelLink(t, body)
		const pw = "Quartz-Meadow-Lantern-94"
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
			"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
		if !strings.Contains(body, "Your password has been reset") {
			t.Fatalf("no done page:\n%s", body)
		}
		exits["done"] = backLink(t, body)
		for exit, link := range exits {
			if link != fd.URL+start {
				t.Errorf("%s: leads to %s, want the configured sign-in page %s", exit, link, fd.URL+start)
			}
			signInWorks(t, c, exit, link)
		}
	})

	t.Run("unlock: cancel", func(t *testing.T) {
		c := browser(t)
		body := failedSignIn(t, fd, c, login)
		_, _, body = page(t, c, "GET", fd.URL+injectedLink(t, body, "Unlock my account"), nil)
		signInWorks(t, c, "unlock identify cancel", cancelLink(t, body))
	})

	t.Run("stopped (descriptive mode, unknown user)", func(t *testing.T) {
		dcfg := testConfig(t)
		dcfg.Upstream.SignInURL = start
		dcfg.Reset.Disclosure = config.DisclosureDescriptive
		dfd := startFrontdoor(t, dcfg)
		c := browser(t)
		body := failedSignIn(t, dfd, c, login)
		_, _, body = page(t, c, "GET", dfd.URL+injectedLink(t, body, "Forgot my password"), nil)
		_, _, body = page(t, c, "POST", dfd.URL+"/.frontdoor/reset/identify", url.Values{
			"csrf_token": {csrf(t, body)}, "login": {"no-such-user-" + login}, "captcha": {dfd.captchaAnswer(t, c, "reset")}})
		m := regexp.MustCompile(`<a href="([^"]+)">Back to the sign-in page</a>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no way back on the stopped page:\n%s", body)
		}
		signInWorks(t, c, "stopped", htmlUnescape(m[1]))
	})

	t.Run("helpdesk: cancel and sent", func(t *testing.T) {
		c := browser(t)
		body := helpdeskForm(t, fd, c)
		signInWorks(t, c, "helpdesk cancel", cancelLink(t, body))
		body = helpdeskForm(t, fd, c)
		status, body := sendHelpdesk(t, fd, c, body, login, "I cannot sign in.")
		if status != http.StatusOK {
			t.Fatalf("helpdesk send: %d\n%s", status, body)
		}
		signInWorks(t, c, "helpdesk sent", backLink(t, body))
	})

	t.Run("error page", func(t *testing.T) {
		c := browser(t)
		status, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/no-such-page", nil)
		m := regexp.MustCompile(`<p class="actions"><a href="([^"]+)">`).FindStringSubmatch(body)
		if status != http.StatusNotFound || m == nil {
			t.Fatalf("error page: %d\n%s", status, body)
		}
		signInWorks(t, c, "error page", htmlUnescape(m[1]))
	})
}

// TestKeycloakExitsLeadToSignIn: in front of the real Keycloak, after a
// failed sign-in (the page's address then is login-actions/authenticate),
// the injected link's flow, and the flow Keycloak's own "Forgot Password?"
// starts (which names no page to return to), both lead back to Keycloak's
// sign-in form.
func TestKeycloakExitsLeadToSignIn(t *testing.T) {
	kc := kcTestenv(t)
	cfg := keycloakConfig(t, kc)
	cfg.Upstream.SignInURL = kcSignInPage(kc)
	fd := startFrontdoor(t, cfg)
	login, _, _ := kcUser(t, kc)
	formRE := regexp.MustCompile(`<form id="kc-form-login"[^>]*action="([^"]+)"`)
	signInForm := func(exit, link string, c *http.Client) {
		t.Helper()
		status, u, body := page(t, c, "GET", link, nil)
		if status != http.StatusOK || !formRE.MatchString(body) {
			t.Errorf("%s: %s leads to %d at %s, not Keycloak's sign-in form:\n%.600s", exit, link, status, u, body)
		}
	}

	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+kcSignInPage(kc), nil)
	m := formRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no sign-in form:\n%s", body)
	}
	_, u, body := page(t, c, "POST", htmlUnescape(m[1]), url.Values{"username": {login}, "password": {"wrong"}})
	if !strings.Contains(u.Path, "/login-actions/authenticate") {
		t.Logf("after a failed sign-in Keycloak shows %s", u)
	}
	_, _, body = page(t, c, "GET", fd.URL+injectedLink(t, body, "Unlock my account"), nil)
	signInForm("unlock cancel after a failed sign-in", cancelLink(t, body), c)

	c = browser(t)
	_, _, body = page(t, c, "GET", fd.URL+kcSignInPage(kc), nil)
	i := strings.Index(body, "/realms/"+kc.realm+"/login-actions/reset-credentials")
	if i < 0 {
		t.Fatalf("no Forgot Password link of Keycloak's own:\n%s", body)
	}
	_, _, body = page(t, c, "GET", fd.URL+htmlUnescape(body[i:i+strings.IndexByte(body[i:], '"')]), nil)
	link := cancelLink(t, body)
	if link != fd.URL+kcSignInPage(kc) {
		t.Errorf("Keycloak's own Forgot Password: Cancel leads to %s, want upstream.sign_in_url", link)
	}
	signInForm("reset cancel from Keycloak's Forgot Password", link, c)
}
