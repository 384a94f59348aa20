package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/idp/idptest"
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
