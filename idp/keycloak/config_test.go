package keycloak

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

func TestConfigValidate(t *testing.T) {
	good := func() *Config {
		return &Config{BaseURL: "https://sso.example.test/", Realm: "staff", ClientID: "frontdoor", ClientSecret: "s"}
	}
	c := good()
	if ps := c.Validate(); len(ps) > 0 {
		t.Fatalf("Validate(good) = %v", ps)
	}
	if c.BaseURL != "https://sso.example.test" || c.Timeout != DefaultTimeout ||
		c.Attributes.Mobile != "mobile" || c.Attributes.Phone != "phone" {
		t.Errorf("defaults not applied: %+v", c)
	}

	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		edit  func(*Config)
		wants []string
	}{
		{"empty", func(c *Config) { *c = Config{} }, []string{"base_url", "realm", "client_id", "client_secret"}},
		{"ftp URL", func(c *Config) { c.BaseURL = "ftp://sso.example.test" }, []string{"base_url"}},
		{"credentials in URL", func(c *Config) { c.BaseURL = "https://u:p@sso.example.test" }, []string{"base_url"}},
		{"http off this machine", func(c *Config) { c.BaseURL = "http://sso.example.test:8080" }, []string{"base_url"}},
		{"http to a private address", func(c *Config) { c.BaseURL = "http://10.0.0.8:8080" }, []string{"base_url"}},
		{"http on loopback", func(c *Config) { c.BaseURL = "http://127.0.0.1:8080" }, nil},
		{"http on localhost", func(c *Config) { c.BaseURL = "http://localhost:8080" }, nil},
		{"realm path", func(c *Config) { c.Realm = "staff/users" }, []string{"realm"}},
		{"missing CA", func(c *Config) { c.CAFile = "/nonexistent/ca.pem" }, []string{"ca_file"}},
		{"CA not PEM", func(c *Config) { c.CAFile = notPEM }, []string{"ca_file"}},
		{"negative timeout", func(c *Config) { c.Timeout = -1 }, []string{"timeout"}},
		{"empty role", func(c *Config) { c.PrivilegedRoles = []string{"admin", " "} }, []string{"privileged_roles[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			tt.edit(c)
			var keys []string
			for _, p := range c.Validate() {
				keys = append(keys, p.Key)
			}
			if !slices.Equal(keys, tt.wants) {
				t.Errorf("problem keys = %v; want %v", keys, tt.wants)
			}
		})
	}
}

func TestConfigOpen(t *testing.T) {
	var bc idp.BackendConfig = NewConfig()
	if _, err := bc.Open(t.Context(), nil); err == nil {
		t.Fatal("Open of an empty section succeeded")
	}
	c := &Config{BaseURL: "https://sso.example.test", Realm: "staff", ClientID: "frontdoor",
		ClientSecret: "s", Timeout: 0}
	d, err := c.Open(t.Context(), nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, ok := d.(idp.Unlocker); !ok {
		t.Error("the backend is not an idp.Unlocker")
	}
	if _, ok := d.(idp.PasswordChanger); ok {
		t.Error("the backend claims idp.PasswordChanger, which the admin API cannot do")
	}
	if got := d.(*Directory).hc.Timeout; got != 10*time.Second {
		t.Errorf("timeout = %v; want the default 10s", got)
	}
}
