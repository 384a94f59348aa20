package server

import (
	"crypto/rand"
	"net"
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
	status, at, body := samlSignInTo(t, fd, c, path, login, password)
	if status != http.StatusOK || at.Path != path {
		t.Fatalf("after the ACS: %d at %s:\n%.1500s", status, at, body)
	}
	return body
}

// samlSignInTo is samlSignInAt returning the page the browser lands on,
// whatever its status.
func samlSignInTo(t *testing.T, fd *frontdoor, c *http.Client, path, login, password string) (int, *url.URL, string) {
	t.Helper()
	_, at, body := page(t, c, "GET", fd.URL+path, nil)
	m := authStateRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("GET %s: no SimpleSAMLphp sign-in form at %s:\n%.1500s", path, at, body)
	}
	_, _, body = page(t, c, "POST", at.String(), url.Values{"AuthState": {htmlUnescape(m[1])}, "username": {login}, "password": {password}})
	return postSAMLForm(t, c, body)
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

// An assertion that SimpleSAMLphp issued for another service provider (its
// audience another entity ID) is refused, although everything else in it
// fits: it answers this browser's request, at this ACS, signed by the IdP.
// The other SP is frontdoor itself at the same address under another entity
// ID and the same keys, so that only the audience differs.
func TestSAMLOtherAudienceRefused(t *testing.T) {
	login, _, pw := slapdUser(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	suffix := strings.ToLower(rand.Text()[:8])

	other, register := samlConfig(t)
	other.SignIn.SAML.EntityID = "urn:frontdoor:test:other-" + suffix
	fdOther, stop := serveFrontdoorAt(t, other, nil, addr)
	register(fdOther)
	c := browser(t)
	acs, form := samlAnswer(t, fdOther, c, login, pw)
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	cfg, register := samlConfig(t)
	cfg.SignIn.SAML.EntityID = "urn:frontdoor:test:this-" + suffix
	cfg.SignIn.SAML.KeyFile, cfg.SignIn.SAML.CertFile = other.SignIn.SAML.KeyFile, other.SignIn.SAML.CertFile
	var logs syncBuffer
	fd, stop := serveFrontdoorAt(t, cfg, &logs, addr)
	t.Cleanup(func() { stop() })
	register(fd)
	status, _, body := page(t, c, "POST", acs, form)
	if status != http.StatusForbidden || strings.Contains(body, login) {
		t.Fatalf("another SP's assertion: %d, want 403\n%.1500s", status, body)
	}
	if !strings.Contains(logs.String(), "AudienceRestriction does not contain") {
		t.Errorf("the refusal was not for the audience:\n%s", logs.String())
	}
}
