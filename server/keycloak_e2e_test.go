package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/idp/keycloak"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// kcEnv is the testenv Keycloak: realm frontdoor, frontdoor's client, the
// public clients for sign-ins, and the master realm's administrator.
type kcEnv struct {
	url, httpURL, ca, realm, clientID, secret, signin, admin, adminPass string
	hc                                                                  *http.Client
}

func kcTestenv(t *testing.T) kcEnv {
	t.Helper()
	v := testenv.Require(t, "keycloak", "KEYCLOAK_URL", "KEYCLOAK_HTTP_URL", "KEYCLOAK_CA_FILE", "KEYCLOAK_REALM",
		"KEYCLOAK_CLIENT_ID", "KEYCLOAK_CLIENT_SECRET", "KEYCLOAK_SIGNIN_CLIENT_ID",
		"KEYCLOAK_ADMIN_USER", "KEYCLOAK_ADMIN_PASSWORD")
	pem, err := os.ReadFile(v[2])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	hc := &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	return kcEnv{url: v[0], httpURL: v[1], ca: v[2], realm: v[3], clientID: v[4], secret: v[5],
		signin: v[6], admin: v[7], adminPass: v[8], hc: hc}
}

// keycloakConfig is frontdoor in front of Keycloak's sign-in pages, with the
// realm as its directory (through the admin API).
func keycloakConfig(t *testing.T, kc kcEnv) *config.Config {
	cfg := testConfig(t)
	cfg.Upstream = config.Upstream{URL: kc.httpURL, Preset: "keycloak"}
	cfg.Directory = &config.Directory{Type: "keycloak", Backend: &keycloak.Config{
		BaseURL: kc.url, Realm: kc.realm, ClientID: kc.clientID, ClientSecret: kc.secret, CAFile: kc.ca,
		PrivilegedRoles: []string{"admin"}}}
	return cfg
}

// signIn signs in at Keycloak with a password grant: nil when it issues a token.
func (kc kcEnv) signIn(login, password string) error { return kc.signInWithCode(login, password, "") }

// signInWithCode signs in at Keycloak with a password grant and, when code
// is not empty, the authenticator's code: nil when it issues a token.
func (kc kcEnv) signInWithCode(login, password, code string) error {
	form := url.Values{"grant_type": {"password"}, "client_id": {kc.signin},
		"username": {login}, "password": {password}, "scope": {"openid"}}
	if code != "" {
		form.Set("totp", code)
	}
	resp, err := kc.hc.PostForm(kc.url+"/realms/"+kc.realm+"/protocol/openid-connect/token", form)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	b, _ := io.ReadAll(resp.Body)
	return fmt.Errorf("sign-in refused: HTTP %d %s", resp.StatusCode, b)
}

// adminDo calls the admin API as the master realm's administrator.
func (kc kcEnv) adminDo(method, p string, in any) (*http.Response, []byte, error) {
	form := url.Values{"grant_type": {"password"}, "client_id": {"admin-cli"},
		"username": {kc.admin}, "password": {kc.adminPass}}
	resp, err := kc.hc.PostForm(kc.url+"/realms/master/protocol/openid-connect/token", form)
	if err != nil {
		return nil, nil, err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil {
		return nil, nil, err
	}
	b, _ := json.Marshal(in)
	req, _ := http.NewRequestWithContext(context.Background(), method, kc.url+"/admin/realms/"+kc.realm+p, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	if resp, err = kc.hc.Do(req); err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// kcUser creates a throwaway user in the realm and deletes it at the end.
func kcUser(t *testing.T, kc kcEnv) (login, mail, password string) {
	t.Helper()
	login = "fd-kc-" + strings.ToLower(rand.Text()[:10])
	mail, password = login+"@example.test", "Throwaway-Start-"+rand.Text()[:6]+"1a!"
	resp, b, err := kc.adminDo(http.MethodPost, "/users", map[string]any{
		"username": login, "email": mail, "emailVerified": true, "enabled": true,
		"firstName": "Tess", "lastName": "Throwaway",
		"credentials": []map[string]any{{"type": "password", "value": password, "temporary": false}}})
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create %s in Keycloak: %v %s", login, err, b)
	}
	id := path.Base(resp.Header.Get("Location"))
	t.Cleanup(func() {
		if resp, b, err := kc.adminDo(http.MethodDelete, "/users/"+id, nil); err != nil || resp.StatusCode != http.StatusNoContent {
			t.Errorf("delete %s in Keycloak: %v %s", login, err, b)
		}
	})
	return login, mail, password
}

// kcSignInPage is the path of the realm's sign-in page for the demo client.
func kcSignInPage(kc kcEnv) string {
	q := url.Values{"client_id": {"frontdoor-demo"}, "response_type": {"code"}, "scope": {"openid"},
		"redirect_uri": {"http://127.0.0.1/callback"}}
	return "/realms/" + kc.realm + "/protocol/openid-connect/auth?" + q.Encode()
}

// kcLockOut signs in with wrong passwords until Keycloak's brute-force
// detector locks the user, then checks that the right password is refused.
func kcLockOut(t *testing.T, kc kcEnv, login, password string) {
	t.Helper()
	// Keycloak's brute-force detector counts failures on a queue of its
	// own; under load it has been seen to count one of three. The realm
	// locks temporarily only (permanentLockout off), so the test signs in
	// wrongly until Keycloak reports the lockout, at most six times.
	locked := func() (bool, []byte) {
		resp, b, err := kc.adminDo(http.MethodGet, "/users?exact=true&username="+url.QueryEscape(login), nil)
		var us []struct{ ID string }
		if err != nil || json.Unmarshal(b, &us) != nil || len(us) != 1 {
			t.Fatalf("find %s: %v %v %s", login, err, resp, b)
		}
		_, b, err = kc.adminDo(http.MethodGet, "/attack-detection/brute-force/users/"+us[0].ID, nil)
		var st struct{ Disabled bool }
		return err == nil && json.Unmarshal(b, &st) == nil && st.Disabled, b
	}
	for attempt := 1; ; attempt++ {
		if kc.signIn(login, "Wrong-"+password) == nil {
			t.Fatal("a wrong password signs in")
		}
		if attempt < 3 {
			continue
		}
		// Keycloak may count the last failure just after answering.
		deadline := time.Now().Add(5 * time.Second)
		ok, b := locked()
		for !ok && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			ok, b = locked()
		}
		if ok {
			break
		}
		if attempt == 6 {
			t.Fatalf("Keycloak did not lock %s out after %d failed sign-ins: %s", login, attempt, b)
		}
	}
	if kc.signIn(login, password) == nil {
		t.Fatal("the right password signs in while locked out")
	}
}

// kcWalk runs a flow (reset or unlock) from its first page at startURL up
// to the page after the emailed code, and returns that page.
func kcWalk(t *testing.T, fd *frontdoor, c *http.Client, kind, startURL, login, mail string) string {
	t.Helper()
	mp := testenv.Mailpit(t)
	if err := mp.Delete(context.Background(), mail); err != nil {
		t.Fatal(err)
	}
	_, u, body := page(t, c, "GET", startURL, nil)
	// An intercepted upstream path answers frontdoor's page at its own URL.
	if !strings.Contains(body, `action="/.frontdoor/`+kind+`/identify"`) {
		t.Fatalf("%s did not lead to frontdoor's %s flow but to %s:\n%s", startURL, kind, u, body)
	}
	_, u, body = page(t, c, "POST", fd.URL+"/.frontdoor/"+kind+"/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, kind)}})
	if u.Path != "/.frontdoor/"+kind+"/step" || !strings.Contains(body, `name="method" value="email"`) {
		t.Fatalf("after identify: %s\n%s", u, body)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/"+kind+"/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	msg, err := mp.WaitFor(context.Background(), mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) })
	if err != nil {
		t.Fatal(err)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/"+kind+"/verify", url.Values{
		"csrf_token": {csrf(t, body)}, "code": {codeRE.FindStringSubmatch(msg.Text)[1]}})
	return body
}

// TestKeycloakUnlockEndToEnd: a user locked out by failed sign-ins at
// Keycloak unlocks through frontdoor, started from the link frontdoor
// injects into Keycloak's sign-in page, and signs in with the old password.
func TestKeycloakUnlockEndToEnd(t *testing.T) {
	kc := kcTestenv(t)
	fd := startFrontdoor(t, keycloakConfig(t, kc))
	login, mail, password := kcUser(t, kc)
	kcLockOut(t, kc, login, password)

	c := browser(t)
	status, _, body := page(t, c, "GET", fd.URL+kcSignInPage(kc), nil)
	if status != http.StatusOK || !strings.Contains(body, `id="kc-form-login"`) {
		t.Fatalf("Keycloak's sign-in page through frontdoor: %d\n%s", status, body)
	}
	link := injectedLink(t, body, "Unlock my account")
	if !strings.HasPrefix(link, "/.frontdoor/unlock?return_to=%2Frealms%2F"+kc.realm+"%2F") {
		t.Fatalf("injected unlock link %q does not carry the sign-in page", link)
	}
	body = kcWalk(t, fd, c, "unlock", fd.URL+link, login, mail)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/unlock/confirm", url.Values{"csrf_token": {csrf(t, body)}})
	if !strings.Contains(body, unlockedGeneric) {
		t.Fatalf("no unlock outcome page:\n%s", body)
	}
	if back := backLink(t, body); !strings.HasPrefix(back, fd.URL+"/realms/"+kc.realm+"/") {
		t.Fatalf("back link %q is not Keycloak's sign-in page", back)
	}
	if err := kc.signIn(login, password); err != nil {
		t.Fatalf("the old password does not sign in after the unlock: %v", err)
	}
}

// TestKeycloakResetEndToEnd: Keycloak's own "Forgot Password?" link leads to
// frontdoor's reset flow, which writes the new password through the admin
// API; the user signs in at Keycloak with it.
func TestKeycloakResetEndToEnd(t *testing.T) {
	kc := kcTestenv(t)
	fd := startFrontdoor(t, keycloakConfig(t, kc))
	login, mail, oldPassword := kcUser(t, kc)
	const newPassword = "Quartz-Meadow-Lantern-93"

	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+kcSignInPage(kc), nil)
	i := strings.Index(body, "/realms/"+kc.realm+"/login-actions/reset-credentials")
	if i < 0 {
		t.Fatalf("no Forgot Password link of Keycloak's own on its sign-in page:\n%s", body)
	}
	forgot := htmlUnescape(body[i : i+strings.IndexByte(body[i:], '"')])
	body = kcWalk(t, fd, c, "reset", fd.URL+forgot, login, mail)
	if !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("after the code: no new-password form\n%s", body)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {newPassword}, "confirm": {newPassword}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("no confirmation page:\n%s", body)
	}
	if err := kc.signIn(login, newPassword); err != nil {
		t.Fatalf("sign-in at Keycloak with the new password: %v", err)
	}
	if kc.signIn(login, oldPassword) == nil {
		t.Fatal("the old password still signs in")
	}
}
