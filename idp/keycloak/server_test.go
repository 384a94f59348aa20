package keycloak

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/idp/idptest"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// server is the real Keycloak from testenv (`testenv/up.sh keycloak`).
type server struct {
	cfg         Config // realm frontdoor, as frontdoor's service account
	ldapRealm   string
	signin      string // public client for password sign-ins
	admin, pass string // the master realm's administrator
	hc          *http.Client
}

func keycloak(t *testing.T) server {
	t.Helper()
	v := testenv.Require(t, "keycloak", "KEYCLOAK_URL", "KEYCLOAK_CA_FILE", "KEYCLOAK_REALM",
		"KEYCLOAK_CLIENT_ID", "KEYCLOAK_CLIENT_SECRET", "KEYCLOAK_SIGNIN_CLIENT_ID",
		"KEYCLOAK_ADMIN_USER", "KEYCLOAK_ADMIN_PASSWORD", "KEYCLOAK_LDAP_REALM")
	cfg := Config{BaseURL: v[0], CAFile: v[1], Realm: v[2], ClientID: v[3], ClientSecret: v[4],
		PrivilegedRoles: []string{"admin"}}
	if ps := cfg.Validate(); len(ps) > 0 {
		t.Fatalf("testenv config: %v", ps)
	}
	hc, err := httpClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return server{cfg: cfg, ldapRealm: v[8], signin: v[5], admin: v[6], pass: v[7], hc: hc}
}

// in returns the configuration for another realm of the same server.
func (s server) in(realm string) Config {
	c := s.cfg
	c.Realm = realm
	return c
}

func newDirectory(t *testing.T, c Config) *Directory {
	t.Helper()
	d, err := New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// failures returns Keycloak's count of failed sign-ins for login, and
// whether it refuses sign-in for them.
func (s server) failures(realm, login string) (int, bool, error) {
	_, b, err := s.adminRequest(http.MethodGet, realm+"/users?exact=true&username="+url.QueryEscape(login), nil)
	if err != nil {
		return 0, false, err
	}
	var us []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &us); err != nil || len(us) != 1 {
		return 0, false, fmt.Errorf("find %s as the administrator: %s", login, b)
	}
	_, b, err = s.adminRequest(http.MethodGet, realm+"/attack-detection/brute-force/users/"+us[0].ID, nil)
	if err != nil {
		return 0, false, err
	}
	var st struct {
		NumFailures int  `json:"numFailures"`
		Disabled    bool `json:"disabled"`
	}
	err = json.Unmarshal(b, &st)
	return st.NumFailures, st.Disabled, err
}

// signIn signs in as a user would and, when Keycloak refuses it while the
// user was not locked out, waits (at most 10s) until Keycloak has counted
// the failure: its brute-force detector may record it just after
// answering, and the tests read the lockout right after.
func (s server) signIn(realm, login, password string) error {
	before, locked, ferr := s.failures(realm, login)
	err := s.bind(realm, login, password)
	if err == nil || locked || ferr != nil {
		return err
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if n, locked, ferr := s.failures(realm, login); ferr != nil || n > before || locked {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return err
}

// bind signs in as login with a password grant, as a user would: nil when
// Keycloak issues a token.
func (s server) bind(realm, login, password string) error {
	form := url.Values{"grant_type": {"password"}, "client_id": {s.signin},
		"username": {login}, "password": {password}, "scope": {"openid"}}
	resp, err := s.hc.PostForm(s.cfg.BaseURL+"/realms/"+realm+"/protocol/openid-connect/token", form)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	var e apiError
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return fmt.Errorf("sign-in refused: HTTP %d %s: %s", resp.StatusCode, e.Error, e.Description)
}

// refreshToken signs in with a password grant and returns the refresh token.
func (s server) refreshToken(realm, login, password string) (string, error) {
	form := url.Values{"grant_type": {"password"}, "client_id": {s.signin},
		"username": {login}, "password": {password}, "scope": {"openid"}}
	return s.token(realm, form)
}

// refresh uses a refresh token: nil when Keycloak accepts it.
func (s server) refresh(realm, token string) error {
	_, err := s.token(realm, url.Values{"grant_type": {"refresh_token"}, "client_id": {s.signin}, "refresh_token": {token}})
	return err
}

func (s server) token(realm string, form url.Values) (string, error) {
	resp, err := s.hc.PostForm(s.cfg.BaseURL+"/realms/"+realm+"/protocol/openid-connect/token", form)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct {
		RefreshToken string `json:"refresh_token"`
		Error        string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK || tok.RefreshToken == "" {
		return "", fmt.Errorf("token: HTTP %d %s", resp.StatusCode, tok.Error)
	}
	return tok.RefreshToken, nil
}

// adminDo sends a request to the admin API as the master realm's
// administrator (not frontdoor's service account) and returns the answer.
func (s server) adminDo(t *testing.T, method, p string, in any) (*http.Response, []byte) {
	t.Helper()
	resp, b, err := s.adminRequest(method, p, in)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// adminRequest is adminDo without a test, for helpers that run on other
// goroutines. It does not use t.Context(), which is done when cleanups run.
func (s server) adminRequest(method, p string, in any) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	form := url.Values{"grant_type": {"password"}, "client_id": {"admin-cli"},
		"username": {s.admin}, "password": {s.pass}}
	resp, err := s.hc.PostForm(s.cfg.BaseURL+"/realms/master/protocol/openid-connect/token", form)
	if err != nil {
		return nil, nil, fmt.Errorf("admin token: %w", err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || tok.AccessToken == "" {
		return nil, nil, fmt.Errorf("admin token: HTTP %d, %v", resp.StatusCode, err)
	}
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequestWithContext(ctx, method, s.cfg.BaseURL+"/admin/realms/"+p, body)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err = s.hc.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", method, p, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// newUser creates a local user in realm as the administrator and deletes it
// when the test ends.
func (s server) newUser(t *testing.T, realm, login, mail, password string) {
	t.Helper()
	rep := map[string]any{"username": login, "email": mail, "emailVerified": true, "enabled": true,
		"firstName": "Throw", "lastName": "Away",
		"credentials": []map[string]any{{"type": "password", "value": password, "temporary": false}}}
	resp, b := s.adminDo(t, http.MethodPost, realm+"/users", rep)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create user %s: HTTP %d %s", login, resp.StatusCode, b)
	}
	id := path.Base(resp.Header.Get("Location"))
	t.Cleanup(func() {
		if resp, b := s.adminDo(t, http.MethodDelete, realm+"/users/"+id, nil); resp.StatusCode != http.StatusNoContent {
			t.Errorf("delete user %s: HTTP %d %s", login, resp.StatusCode, b)
		}
	})
}

func TestKeycloakConformance(t *testing.T) {
	s := keycloak(t)
	realm := s.cfg.Realm
	unreachable := s.cfg
	unreachable.BaseURL = "https://" + closedAddr(t)
	wrongCA := s.cfg
	wrongCA.CAFile = otherCA(t)
	idptest.Run(t, idptest.Fixture{
		Backend:     newDirectory(t, s.cfg),
		Unreachable: newDirectory(t, unreachable),
		WrongCA:     newDirectory(t, wrongCA),
		Bind: func(u idp.User, password string) error {
			return s.signIn(realm, u.Login, password)
		},
		NewUser: func(t *testing.T, login, mail, password string) {
			s.newUser(t, realm, login, mail, password)
		},
		HelpdeskGroup: "/helpdesk",
		NoDN:          true,
		Complexity:    true,
		ResetHistory:  true,
	})
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// otherCA writes a CA certificate that signed nothing the servers use.
func otherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "not Keycloak's CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// uniq returns prefix with a random suffix, for throwaway users.
func uniq(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}
