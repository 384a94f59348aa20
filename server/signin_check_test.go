package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/idp/idptest"
	"github.com/frontdoor-sspr/frontdoor/session"
)

// check refuses signed-in pages that could not run as written: a SAML key
// pair that does not load, and change pages on a directory that cannot
// change a password with the current one.
func TestCheckSignIn(t *testing.T) {
	dir := t.TempDir()
	keyFile, certFile := filepath.Join(dir, "sp.key"), filepath.Join(dir, "sp.crt")
	writeKeyPair(t, keyFile, certFile)
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("not a key"), 0o600)

	base := func() *config.Config {
		return &config.Config{Directory: &config.Directory{Type: "memory"},
			SignIn:   &config.SignIn{Protocol: "saml", SAML: &config.SAML{IDPMetadataFile: certFile, KeyFile: keyFile, CertFile: certFile}},
			Sessions: config.Sessions{Keys: []string{strings.Repeat("k", 32)}}, Change: &config.Change{}}
	}
	paths := func(ps config.Problems) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Path)
		}
		return out
	}
	if ps := checkSignIn(base(), idptest.NewMemory()); len(ps) != 0 {
		t.Errorf("a good configuration: %v", ps)
	}
	c := base()
	c.SignIn.SAML.KeyFile = bad
	if got := paths(checkSignIn(c, idptest.NewMemory())); len(got) != 1 || got[0] != "signin.saml.key_file" {
		t.Errorf("bad key: problems at %v", got)
	}
	if got := paths(checkSignIn(base(), idptest.NewMemory().Without("groups"))); len(got) != 1 || got[0] != "directory.type" {
		t.Errorf("no PasswordChanger: problems at %v", got)
	}
}

// afterSignIn sends the browser to the required step only when the
// upstream's answer to the sign-in post leaves for another origin.
func TestAfterSignIn(t *testing.T) {
	m, err := session.New(session.Options{Keys: [][]byte{[]byte(strings.Repeat("k", 32))}})
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cfg: &config.Config{Server: config.Server{PublicURL: "https://sso.example.com", Prefix: "/.frontdoor/"},
		SignIn: &config.SignIn{Protocol: "oidc"}}, sessions: m, log: slog.New(slog.DiscardHandler)}
	cases := []struct {
		status           int
		location, wantTo string
	}{
		{302, "https://app.example.com/cb?code=1&state=2", "https://sso.example.com/.frontdoor/required"},
		{303, "http://127.0.0.1:9/app?code=1", "https://sso.example.com/.frontdoor/required"},
		{302, "/realms/main/login-actions/required-action?x=1", "/realms/main/login-actions/required-action?x=1"},
		{302, "https://sso.example.com/.frontdoor/signin/callback?code=1", "https://sso.example.com/.frontdoor/signin/callback?code=1"},
		{302, "javascript:alert(1)", "javascript:alert(1)"},
		{200, "https://app.example.com/", "https://app.example.com/"},
	}
	for _, tc := range cases {
		req := httptest.NewRequest("POST", "https://sso.example.com/realms/main/login-actions/authenticate", nil)
		resp := &http.Response{StatusCode: tc.status, Header: http.Header{"Location": {tc.location}}, Request: req}
		s.afterSignIn(resp)
		if got := resp.Header.Get("Location"); got != tc.wantTo {
			t.Errorf("%d %s: Location %s, want %s", tc.status, tc.location, got, tc.wantTo)
		}
		kept := len(resp.Header.Values("Set-Cookie")) == 1
		if kept != (tc.wantTo != tc.location) {
			t.Errorf("%d %s: continue cookie set %v", tc.status, tc.location, kept)
		}
	}
}
