package server

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// rpEnv is the Keycloak realm federated to the testenv slapd, and frontdoor's
// confidential client in it (testenv/keycloak/up.sh).
type rpEnv struct{ issuer, clientID, secret, ca string }

func rpTestenv(t *testing.T) rpEnv {
	v := testenv.Require(t, "keycloak", "KEYCLOAK_RP_ISSUER", "KEYCLOAK_RP_CLIENT_ID", "KEYCLOAK_RP_CLIENT_SECRET", "KEYCLOAK_CA_FILE")
	return rpEnv{v[0], v[1], v[2], v[3]}
}

// oidcConfig is frontdoor with the slapd directory, signing in through
// Keycloak's LDAP realm, with both change pages.
func oidcConfig(t *testing.T, rp rpEnv, keys ...string) *config.Config {
	cfg := testConfig(t)
	cfg.SignIn = &config.SignIn{Protocol: "oidc", OIDC: &config.OIDC{Issuer: rp.issuer, ClientID: rp.clientID,
		ClientSecret: rp.secret, CAFile: rp.ca}}
	if len(keys) == 0 {
		keys = []string{strings.Repeat("s", 32)}
	}
	cfg.Sessions.Keys = keys
	cfg.Change = &config.Change{Expired: true}
	return cfg
}

// tlsBrowser is a browser that trusts the testenv CA (Keycloak's https).
func tlsBrowser(t *testing.T, ca string) *http.Client {
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

var kcFormRE = regexp.MustCompile(`<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"`)

// kcLogin fills Keycloak's sign-in form on body and returns where the
// browser lands.
func kcLogin(t *testing.T, c *http.Client, body, login, password string) (int, *url.URL, string) {
	t.Helper()
	m := kcFormRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no Keycloak sign-in form in:\n%s", body)
	}
	return page(t, c, "POST", htmlUnescape(m[1]), url.Values{"username": {login}, "password": {password}, "credentialId": {""}})
}

// signInOIDC opens the change page and signs in at Keycloak.
func signInOIDC(t *testing.T, fd *frontdoor, c *http.Client, login, password string) string {
	t.Helper()
	status, at, body := page(t, c, "GET", fd.URL+"/.frontdoor/change", nil)
	if status != http.StatusOK || !strings.Contains(body, "kc-form-login") {
		t.Fatalf("GET change: %d at %s, want Keycloak's sign-in page", status, at)
	}
	status, at, body = kcLogin(t, c, body, login, password)
	if status != http.StatusOK || at.Path != "/.frontdoor/change" || !strings.Contains(body, login) {
		t.Fatalf("after signing in: %d at %s:\n%.1500s", status, at, body)
	}
	return body
}

// A user signs in through frontdoor with Keycloak (OIDC, LDAP realm), changes
// the password, signs out (Keycloak's session ends too) and signs in again
// with the new password; the directory takes only the new one.
func TestOIDCSignInChangeSignOut(t *testing.T) {
	rp := rpTestenv(t)
	login, mail, old := slapdUser(t)
	fd := startFrontdoor(t, oidcConfig(t, rp))
	c := tlsBrowser(t, rp.ca)
	body := signInOIDC(t, fd, c, login, old)

	// A wrong current password is refused with a clear message.
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/change", url.Values{"csrf_token": {csrf(t, body)},
		"old": {"Not-The-Password-1!"}, "password": {"Changed-Pass-2026!x"}, "confirm": {"Changed-Pass-2026!x"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Your current password is not correct.") {
		t.Fatalf("wrong old password: %d\n%.1500s", status, body)
	}
	// The policy applies: a weak password is refused with the reason.
	status, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/change", url.Values{"csrf_token": {csrf(t, body)},
		"old": {old}, "password": {"password"}, "confirm": {"password"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "This password cannot be used") {
		t.Fatalf("weak password: %d\n%.1500s", status, body)
	}
	newPW := "Changed-" + rand.Text()[:8] + "-2026!"
	status, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/change", url.Values{"csrf_token": {csrf(t, body)},
		"old": {old}, "password": {newPW}, "confirm": {newPW}})
	if status != http.StatusOK || !strings.Contains(body, "Your password has been changed") {
		t.Fatalf("change: %d\n%.1500s", status, body)
	}
	if err := slapdBind(t, login, newPW); err != nil {
		t.Errorf("bind with the new password: %v", err)
	}
	if err := slapdBind(t, login, old); err == nil {
		t.Error("the old password still binds")
	}
	mp := testenv.Mailpit(t)
	if _, err := mp.WaitFor(context.Background(), mail, 10*time.Second, func(m testenv.Mail) bool {
		return m.Subject == "Your password has been changed" && strings.Contains(m.Text, "This was done from the network address 127.0.0.1.")
	}); err != nil {
		t.Errorf("confirmation mail: %v", err)
	}

	// Sign out: frontdoor's session ends, and Keycloak's (RP-initiated logout).
	_, _, body = page(t, c, "GET", fd.URL+"/.frontdoor/change", nil)
	resp, err := c.PostForm(fd.URL+"/.frontdoor/signout", url.Values{"csrf_token": {csrf(t, body)}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The page sends the browser on to Keycloak's end_session_endpoint by a refresh.
	next, ok := strings.CutPrefix(resp.Header.Get("Refresh"), "0; url=")
	if resp.StatusCode != http.StatusOK || !ok || !strings.HasPrefix(next, rp.issuer+"/protocol/openid-connect/logout?") {
		t.Fatalf("sign-out: %d, Refresh %q", resp.StatusCode, resp.Header.Get("Refresh"))
	}
	status, at, _ := page(t, c, "GET", next, nil)
	if status != http.StatusOK || at.Path != "/.frontdoor/signedout" {
		t.Fatalf("sign-out ended at %d %s", status, at)
	}
	// Signing in again needs the password at Keycloak: the new one works.
	status, _, body = page(t, c, "GET", fd.URL+"/.frontdoor/change", nil)
	if status != http.StatusOK || !strings.Contains(body, "kc-form-login") {
		t.Fatalf("after sign-out, the change page did not ask to sign in: %d", status)
	}
	status, at, body = kcLogin(t, c, body, login, newPW)
	if status != http.StatusOK || at.Path != "/.frontdoor/change" || !strings.Contains(body, login) {
		t.Fatalf("sign-in with the new password: %d at %s", status, at)
	}
}

// noRedirect stops a client at the first redirect and returns it.
func noRedirect(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

// callbackURL signs in at Keycloak and returns the callback URL it sends
// the browser to, without following it.
func callbackURL(t *testing.T, fd *frontdoor, c *http.Client, login, password string) *url.URL {
	t.Helper()
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/change", nil)
	m := kcFormRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no Keycloak sign-in form")
	}
	resp, err := noRedirect(c).PostForm(htmlUnescape(m[1]), url.Values{"username": {login}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Path != "/.frontdoor/signin/callback" {
		t.Fatalf("Keycloak redirected to %q (%d)", resp.Header.Get("Location"), resp.StatusCode)
	}
	return loc
}

// A callback whose state was changed, one brought to another browser, and
// one replayed after use are refused; a session cookie that was tampered
// with, or written by a key that was retired since, signs no one in.
func TestOIDCRefusals(t *testing.T) {
	rp := rpTestenv(t)
	login, _, pw := slapdUser(t)
	keyOld, keyNew := strings.Repeat("o", 32), strings.Repeat("n", 32)
	fd := startFrontdoor(t, oidcConfig(t, rp, keyOld))

	refused := func(name string, c *http.Client, u string) {
		t.Helper()
		status, _, body := page(t, c, "GET", u, nil)
		if status != http.StatusForbidden || strings.Contains(body, login) {
			t.Errorf("%s: %d, want 403 and no session", name, status)
		}
	}
	c := tlsBrowser(t, rp.ca)
	cb := callbackURL(t, fd, c, login, pw)
	tampered := *cb
	q := tampered.Query()
	q.Set("state", q.Get("state")+"x")
	tampered.RawQuery = q.Encode()
	refused("changed state", c, tampered.String())

	c = tlsBrowser(t, rp.ca)
	cb = callbackURL(t, fd, c, login, pw)
	refused("another browser", tlsBrowser(t, rp.ca), cb.String())
	status, at, _ := page(t, c, "GET", cb.String(), nil)
	if status != http.StatusOK || at.Path != "/.frontdoor/change" {
		t.Fatalf("the untouched callback: %d at %s", status, at)
	}
	refused("replayed callback", c, cb.String())

	// The session cookie: tampered, then read under a rotation and a retirement.
	var sess *http.Cookie
	for _, ck := range c.Jar.Cookies(&url.URL{Scheme: "http", Host: strings.TrimPrefix(fd.URL, "http://")}) {
		if ck.Name == "frontdoor-session" {
			sess = ck
		}
	}
	if sess == nil {
		t.Fatal("no session cookie")
	}
	// Browsers keep cookies of up to 4096 bytes (name and value).
	if n := len(sess.Name) + len(sess.Value); n > 4000 {
		t.Errorf("the session cookie is %d bytes", n)
	}
	t.Logf("session cookie: %d bytes", len(sess.Value))
	signedIn := func(fd *frontdoor, value string) bool {
		req, _ := http.NewRequest("GET", fd.URL+"/.frontdoor/change", nil)
		req.AddCookie(&http.Cookie{Name: "frontdoor-session", Value: value})
		resp, err := noRedirect(http.DefaultClient).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	if !signedIn(fd, sess.Value) {
		t.Fatal("the session cookie does not sign in")
	}
	b := []byte(sess.Value)
	b[len(b)/2] ^= 2
	if signedIn(fd, string(b)) {
		t.Error("a tampered session cookie signed in")
	}
	rotated := startFrontdoor(t, oidcConfig(t, rp, keyNew, keyOld))
	if !signedIn(rotated, sess.Value) {
		t.Error("after rotation (new key first, old key kept) the session was refused")
	}
	retired := startFrontdoor(t, oidcConfig(t, rp, keyNew))
	if signedIn(retired, sess.Value) {
		t.Error("after the old key was removed, its session still signs in")
	}
}

// A user whose password must be changed (pwdReset) changes it without
// signing in; an account that may sign in and an unknown user ID get the
// same answer and nothing changes.
func TestExpiredPasswordChange(t *testing.T) {
	rp := rpTestenv(t)
	login, _, _ := slapdUser(t)
	other, _, otherPW := slapdUser(t)
	fd := startFrontdoor(t, oidcConfig(t, rp))
	pw := setMustChange(t, fd, login)

	c := browser(t)
	post := func(login, old, pw string) (int, string) {
		_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/change/expired", nil)
		status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/change/expired", url.Values{"csrf_token": {csrf(t, body)},
			"login": {login}, "old": {old}, "password": {pw}, "confirm": {pw}})
		return status, body
	}
	const generic = "We couldn&#39;t change the password with these details."
	newPW := "Renewed-" + rand.Text()[:8] + "-2026!"
	for _, tc := range []struct{ name, login, old string }{
		{"not expired", other, otherPW}, {"unknown", "fd-nobody-" + login[3:], "Whatever-1234!"}, {"wrong old", login, "Wrong-Old-1234!"},
	} {
		status, body := post(tc.login, tc.old, newPW)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, generic) {
			t.Errorf("%s: %d\n%.800s", tc.name, status, body)
		}
	}
	if err := slapdBind(t, other, otherPW); err != nil {
		t.Errorf("the account that was not expired changed: %v", err)
	}
	status, body := post(login, pw, newPW)
	if status != http.StatusOK || !strings.Contains(body, "Your password has been changed") {
		t.Fatalf("expired change: %d\n%.1500s", status, body)
	}
	if err := slapdBind(t, login, newPW); err != nil {
		t.Errorf("bind with the new password: %v", err)
	}
	u, err := fd.srv.directory.Lookup(context.Background(), login)
	if err != nil || u.MustChange {
		t.Errorf("after the change: MustChange=%v, %v", u.MustChange, err)
	}
}

// setMustChange gives login a new password with "must change" (pwdReset:
// TRUE), as an administrator's reset does, and returns it.
func setMustChange(t *testing.T, fd *frontdoor, login string) string {
	t.Helper()
	ctx := context.Background()
	u, err := fd.srv.directory.Lookup(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	pw := "Admin-Set-" + rand.Text()[:8] + "-1!"
	if err := fd.srv.directory.(idp.PasswordSetter).SetPassword(ctx, u, pw, idp.SetOptions{MustChange: true}); err != nil {
		t.Fatal(err)
	}
	if u, err = fd.srv.directory.Lookup(ctx, login); err != nil || !u.MustChange {
		t.Fatalf("pwdReset not set: %v", err)
	}
	return pw
}

// The "More information required" check learns who signed in at the IdP with
// a silent sign-in (prompt=none): with a session at Keycloak it names the
// user without any page; without one the user goes on, signed in to nothing.
func TestRequiredSilentCheck(t *testing.T) {
	rp := rpTestenv(t)
	login, _, pw := slapdUser(t)
	fd := startFrontdoor(t, oidcConfig(t, rp))
	host := &url.URL{Scheme: "http", Host: strings.TrimPrefix(fd.URL, "http://"), Path: "/"}
	hasSession := func(c *http.Client) bool {
		for _, ck := range c.Jar.Cookies(host) {
			if ck.Name == "frontdoor-session" {
				return true
			}
		}
		return false
	}

	// Signed in at Keycloak (here through frontdoor's change page), then
	// frontdoor's own session dropped: as after a sign-in at the upstream page.
	c := tlsBrowser(t, rp.ca)
	signInOIDC(t, fd, c, login, pw)
	jar, _ := cookiejar.New(nil)
	for _, u := range []string{rp.issuer + "/protocol/openid-connect/auth"} {
		pu, _ := url.Parse(u)
		jar.SetCookies(pu, c.Jar.Cookies(pu))
	}
	c.Jar = jar
	if hasSession(c) {
		t.Fatal("the frontdoor session was not dropped")
	}
	_, at, body := page(t, c, "GET", fd.URL+"/.frontdoor/required?continue=%2Fsimplesaml%2F", nil)
	if strings.Contains(body, "kc-form-login") || !strings.HasPrefix(at.Path, "/simplesaml/") {
		t.Fatalf("silent check with a Keycloak session ended at %s", at)
	}
	if !hasSession(c) {
		t.Error("the silent sign-in did not name the user")
	}

	fresh := tlsBrowser(t, rp.ca)
	_, at, body = page(t, fresh, "GET", fd.URL+"/.frontdoor/required?continue=%2Fsimplesaml%2F", nil)
	if strings.Contains(body, "kc-form-login") || !strings.HasPrefix(at.Path, "/simplesaml/") || hasSession(fresh) {
		t.Fatalf("silent check without a Keycloak session: at %s, session %v", at, hasSession(fresh))
	}
}
