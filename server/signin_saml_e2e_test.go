package server

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// samlConfig is frontdoor signing in through the testenv SimpleSAMLphp IdP
// (bound to slapd), with its SP key pair made for the test and its metadata
// handed to the IdP.
func samlConfig(t *testing.T) (*config.Config, func(fd *frontdoor)) {
	v := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_URL", "SIMPLESAMLPHP_IDP_METADATA_PATH", "SIMPLESAMLPHP_SP_METADATA_DIR")
	dir := t.TempDir()
	keyFile, certFile := filepath.Join(dir, "sp.key"), filepath.Join(dir, "sp.crt")
	writeKeyPair(t, keyFile, certFile)
	cfg := testConfig(t)
	cfg.SignIn = &config.SignIn{Protocol: "saml", SAML: &config.SAML{IDPMetadataURL: v[0] + v[1], KeyFile: keyFile, CertFile: certFile}}
	cfg.Sessions.Keys = []string{strings.Repeat("m", 32)}
	cfg.Change = &config.Change{}
	register := func(fd *frontdoor) {
		status, _, md := page(t, http.DefaultClient, "GET", fd.URL+"/.frontdoor/saml/metadata", nil)
		if status != http.StatusOK || !strings.Contains(md, "AssertionConsumerService") {
			t.Fatalf("SP metadata: %d\n%s", status, md)
		}
		f := filepath.Join(v[2], fmt.Sprintf("frontdoor-%d.xml", time.Now().UnixNano()))
		if err := os.WriteFile(f, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove(f) })
	}
	return cfg, register
}

func writeKeyPair(t *testing.T, keyFile, certFile string) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "frontdoor test SP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
}

var (
	samlRespRE  = regexp.MustCompile(`name="SAMLResponse" value="([^"]*)"`)
	relayRE     = regexp.MustCompile(`name="RelayState" value="([^"]*)"`)
	formActRE   = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)
	authStateRE = regexp.MustCompile(`name="AuthState" value="([^"]*)"`)
)

// samlAnswer opens the change page, signs in at SimpleSAMLphp and returns
// the IdP's answer (the form the browser would post to the ACS).
func samlAnswer(t *testing.T, fd *frontdoor, c *http.Client, login, password string) (acs string, form url.Values) {
	t.Helper()
	_, at, body := page(t, c, "GET", fd.URL+"/.frontdoor/change", nil)
	m := authStateRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no SimpleSAMLphp sign-in form at %s:\n%.1500s", at, body)
	}
	_, _, body = page(t, c, "POST", at.String(), url.Values{"AuthState": {htmlUnescape(m[1])}, "username": {login}, "password": {password}})
	r, rs, a := samlRespRE.FindStringSubmatch(body), relayRE.FindStringSubmatch(body), formActRE.FindStringSubmatch(body)
	if r == nil || rs == nil || a == nil {
		t.Fatalf("no SAML response form after signing in:\n%.1500s", body)
	}
	return htmlUnescape(a[1]), url.Values{"SAMLResponse": {htmlUnescape(r[1])}, "RelayState": {htmlUnescape(rs[1])}}
}

// A user signs in through frontdoor with SimpleSAMLphp (SAML), changes the
// password, signs out, and signs in again at the IdP with the new password.
func TestSAMLSignInChange(t *testing.T) {
	login, _, old := slapdUser(t)
	cfg, register := samlConfig(t)
	fd := startFrontdoor(t, cfg)
	register(fd)
	c := browser(t)
	acs, form := samlAnswer(t, fd, c, login, old)
	if acs != fd.URL+"/.frontdoor/saml/acs" {
		t.Errorf("the IdP posts to %s", acs)
	}
	status, at, body := page(t, c, "POST", acs, form)
	if status != http.StatusOK || at.Path != "/.frontdoor/change" || !strings.Contains(body, login) {
		t.Fatalf("after the ACS: %d at %s\n%.1500s", status, at, body)
	}
	newPW := "Saml-Changed-" + rand.Text()[:8] + "!"
	status, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/change", url.Values{"csrf_token": {csrf(t, body)},
		"old": {old}, "password": {newPW}, "confirm": {newPW}})
	if status != http.StatusOK || !strings.Contains(body, "Your password has been changed") {
		t.Fatalf("change: %d\n%.1500s", status, body)
	}
	_, _, body = page(t, http.DefaultClient, "GET", fd.URL+"/.frontdoor/signedout", nil)
	if err := slapdBind(t, login, newPW); err != nil {
		t.Errorf("bind with the new password: %v", err)
	}
	// A new browser signs in at the IdP with the new password.
	c2 := browser(t)
	acs, form = samlAnswer(t, fd, c2, login, newPW)
	if status, at, _ := page(t, c2, "POST", acs, form); status != http.StatusOK || at.Path != "/.frontdoor/change" {
		t.Fatalf("sign-in with the new password: %d at %s", status, at)
	}
	// Sign out ends the session.
	_, _, body = page(t, c2, "GET", fd.URL+"/.frontdoor/change", nil)
	if status, at, _ := page(t, c2, "POST", fd.URL+"/.frontdoor/signout", url.Values{"csrf_token": {csrf(t, body)}}); status != http.StatusOK || at.Path != "/.frontdoor/signedout" {
		t.Fatalf("sign-out: %d at %s", status, at)
	}
	if resp, err := noRedirect(c2).Get(fd.URL + "/.frontdoor/change"); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after sign-out the change page answered %v, %v", resp, err)
	}
}

// A replayed assertion, an answer brought to another browser (InResponseTo
// and RelayState of another request) and an assertion whose signed content
// was changed are refused.
func TestSAMLRefusals(t *testing.T) {
	login, _, pw := slapdUser(t)
	cfg, register := samlConfig(t)
	fd := startFrontdoor(t, cfg)
	register(fd)
	refused := func(name string, c *http.Client, acs string, form url.Values) {
		t.Helper()
		status, _, body := page(t, c, "POST", acs, form)
		if status != http.StatusForbidden || strings.Contains(body, "You are signed in") {
			t.Errorf("%s: %d, want 403", name, status)
		}
	}
	c := browser(t)
	acs, form := samlAnswer(t, fd, c, login, pw)
	// Changed content: the signature no longer covers the assertion.
	raw, _ := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
	forged := strings.Replace(string(raw), ">"+login+"<", ">admin<", 1)
	if forged == string(raw) {
		t.Fatal("the login is not in the response")
	}
	refused("changed assertion", c, acs, url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString([]byte(forged))}, "RelayState": form["RelayState"]})

	// The untouched answer in another browser that started a sign-in of its own.
	c = browser(t)
	acs, form = samlAnswer(t, fd, c, login, pw)
	other := browser(t)
	_, otherForm := samlAnswer(t, fd, other, login, pw)
	refused("another request's answer", other, acs, url.Values{"SAMLResponse": form["SAMLResponse"], "RelayState": otherForm["RelayState"]})
	if status, at, _ := page(t, c, "POST", acs, form); status != http.StatusOK || at.Path != "/.frontdoor/change" {
		t.Fatalf("the untouched answer: %d at %s", status, at)
	}
	refused("replayed answer", c, acs, form)
	// IdP-initiated (no request of this browser at all).
	refused("unsolicited answer", browser(t), acs, form)
}

// postSAMLForm posts the auto-submitted form of an IdP page (what a browser's
// script would do) and returns where the browser lands.
func postSAMLForm(t *testing.T, c *http.Client, body string) (int, *url.URL, string) {
	t.Helper()
	r, rs, a := samlRespRE.FindStringSubmatch(body), relayRE.FindStringSubmatch(body), formActRE.FindStringSubmatch(body)
	if r == nil || rs == nil || a == nil {
		t.Fatalf("no SAML response form:\n%.1500s", body)
	}
	return page(t, c, "POST", htmlUnescape(a[1]), url.Values{"SAMLResponse": {htmlUnescape(r[1])}, "RelayState": {htmlUnescape(rs[1])}})
}

// The "More information required" check with SAML: a passive request
// (IsPassive) names the user signed in at SimpleSAMLphp without a page; with
// no session there the IdP answers NoPassive and the user goes on.
func TestRequiredPassiveSAML(t *testing.T) {
	login, _, pw := slapdUser(t)
	cfg, register := samlConfig(t)
	fd := startFrontdoor(t, cfg)
	register(fd)
	host := &url.URL{Scheme: "http", Host: "127.0.0.1", Path: "/"}
	session := func(c *http.Client) bool {
		for _, ck := range c.Jar.Cookies(&url.URL{Scheme: "http", Host: strings.TrimPrefix(fd.URL, "http://"), Path: "/"}) {
			if ck.Name == "frontdoor-session" {
				return true
			}
		}
		return false
	}
	c := browser(t)
	acs, form := samlAnswer(t, fd, c, login, pw)
	page(t, c, "POST", acs, form)
	// Keep the IdP's cookies, drop frontdoor's session (cookies ignore ports).
	jar, _ := cookiejar.New(nil)
	for _, ck := range c.Jar.Cookies(host) {
		if ck.Name != "frontdoor-session" {
			jar.SetCookies(host, []*http.Cookie{{Name: ck.Name, Value: ck.Value, Path: "/"}})
		}
	}
	c.Jar = jar
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/required?continue=%2Fsimplesaml%2F", nil)
	if strings.Contains(body, `name="AuthState"`) {
		t.Fatal("the passive request showed the sign-in form")
	}
	_, at, _ := postSAMLForm(t, c, body)
	if !strings.HasPrefix(at.Path, "/simplesaml/") || !session(c) {
		t.Errorf("with an IdP session: at %s, session %v", at, session(c))
	}

	fresh := browser(t)
	_, _, body = page(t, fresh, "GET", fd.URL+"/.frontdoor/required?continue=%2Fsimplesaml%2F", nil)
	if strings.Contains(body, `name="AuthState"`) {
		t.Fatal("the passive request showed the sign-in form")
	}
	_, at, _ = postSAMLForm(t, fresh, body)
	if !strings.HasPrefix(at.Path, "/simplesaml/") || session(fresh) {
		t.Errorf("without an IdP session: at %s, session %v", at, session(fresh))
	}
}
