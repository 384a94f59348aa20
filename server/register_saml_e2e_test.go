package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// samlSignInAt opens path, a signed-in page, signs in at SimpleSAMLphp and
// posts its answer to the ACS; it returns the page the browser lands on,
// which must be path.
func samlSignInAt(t *testing.T, fd *frontdoor, c *http.Client, path, login, password string) string {
	t.Helper()
	_, at, body := page(t, c, "GET", fd.URL+path, nil)
	m := authStateRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("GET %s: no SimpleSAMLphp sign-in form at %s:\n%.1500s", path, at, body)
	}
	_, _, body = page(t, c, "POST", at.String(), url.Values{"AuthState": {htmlUnescape(m[1])}, "username": {login}, "password": {password}})
	status, at, body := postSAMLForm(t, c, body)
	if status != http.StatusOK || at.Path != path {
		t.Fatalf("after the ACS: %d at %s:\n%.1500s", status, at, body)
	}
	return body
}

// TestRegisterOverSAML: the Security info page works on a session signed
// in through SAML (SimpleSAMLphp bound to slapd) as on an OIDC one: a user
// registers an alternate email (code from mailpit), and the reset then
// mails its code there.
func TestRegisterOverSAML(t *testing.T) {
	login, mail, password := slapdUser(t)
	alt := login + "-saml@example.test"
	cfg, registerSP := samlConfig(t)
	cfg.Registration = registrationSection("email")
	fd := startFrontdoor(t, cfg)
	registerSP(fd)

	c := browser(t)
	body := samlSignInAt(t, fd, c, "/.frontdoor/register", login, password)
	if !strings.Contains(body, "Security info") || strings.Contains(body, mail) {
		t.Fatalf("the Security info page, with the directory address masked:\n%s", body)
	}
	registerEmail(t, fd, c, body, alt)

	rc := browser(t)
	body = fd.identify(t, rc, login)
	body = fd.emailGate(t, rc, body, alt)
	if !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("the code mailed to the address registered over SAML did not pass:\n%s", body)
	}
}
