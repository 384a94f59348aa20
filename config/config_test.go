package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/idp/ldap"
)

const minimal = `
server:
  secret_key: "test-only-key-0123456789abcdef-0123"
  public_url: "https://sso.example.com"
upstream:
  url: "http://127.0.0.1:8081"
store:
  driver: sqlite
  dsn: "frontdoor.db"
`

func read(t *testing.T, yml string, env map[string]string, files map[string]string) (*Config, error) {
	t.Helper()
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	readFile := func(name string) ([]byte, error) {
		if v, ok := files[name]; ok {
			return []byte(v), nil
		}
		return nil, os.ErrNotExist
	}
	return Read(strings.NewReader(yml), lookup, readFile)
}

func problemPaths(t *testing.T, err error) []string {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	var paths []string
	for _, p := range ps {
		paths = append(paths, p.Path)
	}
	return paths
}

func TestMinimalConfigIsValidWithDefaults(t *testing.T) {
	c, err := read(t, minimal, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Upstream.Preset != "generic" || c.Upstream.InjectAfter != "#login-form" {
		t.Errorf("generic preset not applied: %+v", c.Upstream)
	}
	if got := c.Upstream.Intercept.Reset; len(got) != 1 || got[0] != "/forgot-password" {
		t.Errorf("intercept.reset = %v", got)
	}
	if c.Server.Prefix != "/.frontdoor/" || c.Server.MetricsListen != "127.0.0.1:9090" {
		t.Errorf("server defaults: %+v", c.Server)
	}
	if c.Reset != nil || c.Directory != nil {
		t.Error("sections absent from the file must stay nil (self-service not set up)")
	}
}

func TestUnknownKeysAreErrors(t *testing.T) {
	_, err := read(t, minimal+"  extra: 1\n", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "extra") {
		t.Fatalf("unknown key accepted: %v", err)
	}
	_, err = read(t, minimal+"bogus_section: {}\n", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "bogus_section") {
		t.Fatalf("unknown section accepted: %v", err)
	}
}

func TestEnvSubstitution(t *testing.T) {
	yml := strings.Replace(minimal, `"http://127.0.0.1:8081"`, `"http://${UP_HOST}:${UP_PORT:-8081}"`, 1)
	c, err := read(t, yml, map[string]string{"UP_HOST": "10.0.0.5"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Upstream.URL != "http://10.0.0.5:8081" {
		t.Errorf("upstream.url = %q", c.Upstream.URL)
	}
	_, err = read(t, strings.Replace(minimal, "frontdoor.db", "${MISSING}", 1), nil, nil)
	if got := problemPaths(t, err); len(got) != 1 || got[0] != "store.dsn" {
		t.Errorf("missing env var problems at %v", got)
	}
}

func TestEnvValueCannotInjectYAML(t *testing.T) {
	yml := minimal + "organization: ${ORG}\n"
	c, err := read(t, yml, map[string]string{"ORG": "Acme\nreset: {enabled: all}"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Reset != nil || !strings.HasPrefix(c.Organization, "Acme\n") {
		t.Errorf("env value changed the structure: reset=%v org=%q", c.Reset, c.Organization)
	}
}

const withDirectory = minimal + `
directory:
  type: openldap
  urls: ["ldaps://127.0.0.1:636"]
  bind_dn: "cn=frontdoor,ou=services,dc=example,dc=test"
  bind_password_file: /run/secrets/ldap
  base_dn: "dc=example,dc=test"
`

func TestSecretFile(t *testing.T) {
	c, err := read(t, withDirectory, nil, map[string]string{"/run/secrets/ldap": "s3cret: not yaml\n"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Directory.Backend.(*ldap.Config).BindPassword != "s3cret: not yaml" {
		t.Errorf("bind_password = %q", c.Directory.Backend.(*ldap.Config).BindPassword)
	}
	_, err = read(t, withDirectory, nil, nil)
	if got := problemPaths(t, err); len(got) != 1 || got[0] != "directory.bind_password_file" {
		t.Errorf("unreadable secret file problems at %v", got)
	}
	both := strings.Replace(withDirectory, "  bind_password_file", "  bind_password: x\n  bind_password_file", 1)
	_, err = read(t, both, nil, map[string]string{"/run/secrets/ldap": "y"})
	if got := problemPaths(t, err); len(got) != 1 || got[0] != "directory.bind_password_file" {
		t.Errorf("both set: problems at %v", got)
	}
}

func TestValidateListsEveryProblemWithItsPath(t *testing.T) {
	yml := `
server:
  listen: "nope"
  public_url: "sso.example.com"
  trusted_proxies: ["10.0.0.0/8", "not-a-cidr"]
upstream:
  url: "ftp://x"
  preset: wordpress
store:
  driver: mongodb
  dsn: x
captcha:
  provider: none
`
	_, err := read(t, yml, nil, nil)
	got := strings.Join(problemPaths(t, err), " ")
	for _, want := range []string{"server.listen", "server.public_url", "server.trusted_proxies[1]", "upstream.url", "upstream.preset", "store.driver", "captcha.provider"} {
		if !strings.Contains(got, want) {
			t.Errorf("no problem reported at %s (got %s)", want, got)
		}
	}
}

func TestDirectoryRules(t *testing.T) {
	secrets := map[string]string{"/run/secrets/ldap": "pw"}
	tests := []struct {
		name, from, to, wantPath string
	}{
		{"AD without TLS", "type: openldap\n  urls: [\"ldaps://127.0.0.1:636\"]", "type: activedirectory\n  urls: [\"ldap://dc1.example.test\"]", "directory.urls[0]"},
		{"bind as rootdn", "cn=frontdoor,ou=services,dc=example,dc=test", "cn=admin,dc=example,dc=test", "directory.bind_dn"},
		{"bind as configured rootdn", "base_dn:", "root_dn: \"cn=frontdoor,ou=services,dc=example,dc=test\"\n  base_dn:", "directory.bind_dn"},
		{"bad scheme", "ldaps://127.0.0.1:636", "http://127.0.0.1", "directory.urls[0]"},
		{"OpenLDAP in clear", "ldaps://127.0.0.1:636", "ldap://127.0.0.1:389", "directory.urls[0]"},
		{"unknown type", "type: openldap", "type: novell", "directory.type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := read(t, strings.Replace(withDirectory, tt.from, tt.to, 1), nil, secrets)
			got := problemPaths(t, err)
			if len(got) != 1 || got[0] != tt.wantPath {
				t.Errorf("problems at %v, want only %s", got, tt.wantPath)
			}
		})
	}
	adStartTLS := strings.Replace(withDirectory, "type: openldap\n  urls: [\"ldaps://127.0.0.1:636\"]", "type: activedirectory\n  start_tls: true\n  urls: [\"ldap://dc1.example.test\"]", 1)
	c, err := read(t, adStartTLS, nil, secrets)
	if err != nil {
		t.Fatalf("AD with StartTLS refused: %v", err)
	}
	if c.Directory.Backend.(*ldap.Config).LoginAttributes[0] != "sAMAccountName" {
		t.Errorf("AD login attributes default = %v", c.Directory.Backend.(*ldap.Config).LoginAttributes)
	}
}

func TestPresetsFillOnlyWhatIsUnset(t *testing.T) {
	yml := strings.Replace(minimal, `url: "http://127.0.0.1:8081"`, `url: "http://127.0.0.1:8081"
  preset: keycloak
  inject_after: "#my-form"`, 1)
	c, err := read(t, yml, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Upstream.InjectAfter != "#my-form" {
		t.Errorf("file value overridden by preset: %q", c.Upstream.InjectAfter)
	}
	if got := c.Upstream.Intercept.Reset; len(got) != 1 || got[0] != "/realms/{realm}/login-actions/reset-credentials" {
		t.Errorf("keycloak reset intercept = %v", got)
	}
	for name := range Presets {
		c := &Config{Upstream: Upstream{URL: "http://x", Preset: name}, Server: Server{PublicURL: "https://x", SecretKey: strings.Repeat("k", 32)}, Store: Store{DSN: "x"}}
		c.ApplyDefaults()
		if p := c.Validate(); len(p) > 0 {
			t.Errorf("preset %s does not validate: %v", name, p)
		}
	}
}

// TestBlockAndAllowPaths: the keycloak preset blocks its admin console and
// API unless the file says otherwise, and the lists are checked like the
// other path patterns.
func TestBlockAndAllowPaths(t *testing.T) {
	keycloak := strings.Replace(minimal, `url: "http://127.0.0.1:8081"`, `url: "http://127.0.0.1:8081"
  preset: keycloak`, 1)
	c, err := read(t, keycloak, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Upstream.BlockPaths; !slices.Equal(got, []string{"/admin", "/admin/*", "/realms/master", "/realms/master/*"}) {
		t.Errorf("keycloak block_paths = %v, want its admin console, API and realm", got)
	}
	open := strings.Replace(keycloak, "preset: keycloak", "preset: keycloak\n  block_paths: []", 1)
	if c, err := read(t, open, nil, nil); err != nil || len(c.Upstream.BlockPaths) != 0 {
		t.Errorf("block_paths: [] gave %v, %v; want nothing blocked", c.Upstream.BlockPaths, err)
	}
	if c, err := read(t, minimal, nil, nil); err != nil || len(c.Upstream.BlockPaths) != 0 || len(c.Upstream.AllowPaths) != 0 {
		t.Errorf("generic preset: block %v, allow %v, %v; want neither", c.Upstream.BlockPaths, c.Upstream.AllowPaths, err)
	}
	bad := strings.Replace(minimal, `url: "http://127.0.0.1:8081"`, `url: "http://127.0.0.1:8081"
  block_paths: ["admin"]
  allow_paths: ["/realms/*", "/.frontdoor/reset"]`, 1)
	_, err = read(t, bad, nil, nil)
	if got := problemPaths(t, err); !slices.Equal(got, []string{"upstream.block_paths[0]", "upstream.allow_paths[1]"}) {
		t.Errorf("problems at %v, want upstream.block_paths[0] and upstream.allow_paths[1]", got)
	}
}

func TestExampleConfigIsValid(t *testing.T) {
	f, err := os.Open("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{"FRONTDOOR_LDAP_PASSWORD": "x", "FRONTDOOR_SECRET_KEY": strings.Repeat("k", 32)}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if _, err := Read(f, lookup, os.ReadFile); err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
}

func TestSMTPConnections(t *testing.T) {
	email := minimal + `
email:
  from: "frontdoor <no-reply@example.com>"
  smtp:
    host: "127.0.0.1"
    port: 1025
    tls: none
`
	c, err := read(t, email, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Email.SMTP.Connections != 2 {
		t.Errorf("email.smtp.connections defaults to %d, want 2", c.Email.SMTP.Connections)
	}
	_, err = read(t, email+"    connections: 65\n", nil, nil)
	if got := problemPaths(t, err); len(got) != 1 || got[0] != "email.smtp.connections" {
		t.Errorf("65 connections: problems at %v", got)
	}
}

// TestSMTPInClear: tls: none is refused for a relay off this machine,
// unless allow_plaintext says the operator knows; on loopback, and with
// starttls or tls, it is fine.
func TestSMTPInClear(t *testing.T) {
	email := func(host, tls, extra string) string {
		return minimal + `
email:
  from: "frontdoor <no-reply@example.com>"
  smtp:
    host: "` + host + `"
    port: 25
    tls: ` + tls + `
` + extra
	}
	for _, tc := range []struct {
		host, tls, extra string
		ok               bool
	}{
		{"127.0.0.1", "none", "", true},
		{"localhost", "none", "", true},
		{"::1", "none", "", true},
		{"mail.example.com", "none", "", false},
		{"10.0.0.25", "none", "", false},
		{"mail.example.com", "none", "    allow_plaintext: true\n", true},
		{"mail.example.com", "starttls", "", true},
		{"mail.example.com", "tls", "", true},
	} {
		acceptedOrRefusedAt(t, fmt.Sprintf("%s, tls %s %q", tc.host, tc.tls, tc.extra), email(tc.host, tc.tls, tc.extra), tc.ok, "email.smtp.tls")
	}
}

// TestSecretKeyRequired (U-1): an empty server.secret_key is refused where
// users are served; a test setup on a loopback public_url may leave it out
// (a random key per process, warned about); a short one is refused anywhere.
func TestSecretKeyRequired(t *testing.T) {
	const key = `  secret_key: "test-only-key-0123456789abcdef-0123"` + "\n"
	for _, tc := range []struct {
		url, key string
		ok       bool
	}{
		{"https://sso.example.com", key, true},
		{"https://sso.example.com", "", false},
		{"https://sso.example.com", `  secret_key: ""` + "\n", false},
		{"https://sso.example.com", `  secret_key: "too-short"` + "\n", false},
		{"http://127.0.0.1:8080", "", true},
		{"http://127.0.0.1:8080", `  secret_key: "too-short"` + "\n", false},
	} {
		yml := strings.Replace(minimal, key, tc.key, 1)
		yml = strings.Replace(yml, `public_url: "https://sso.example.com"`, `public_url: "`+tc.url+`"`, 1)
		acceptedOrRefusedAt(t, fmt.Sprintf("%s with %q", tc.url, tc.key), yml, tc.ok, "server.secret_key")
	}
}

func TestProblemsNameLineColumnAndSuggestion(t *testing.T) {
	yml := minimal + `directory:
  type: openldap
  urls: ["ldaps://127.0.0.1:636"]
  bind_dn: "cn=frontdoor,ou=services,dc=example,dc=test"
  bind_pasword: x
  base_dn: "dc=example,dc=test"
  pool_size: many
reset:
  disclosre: generic
log:
  levle: debug
  format: jsn
`
	tests := []struct {
		path      string
		line, col int
		message   string
	}{
		{"directory.bind_pasword", 14, 3, `did you mean "bind_password"?`},
		{"directory.pool_size", 16, 3, "cannot unmarshal"},
		{"reset.disclosre", 18, 3, `did you mean "disclosure"?`},
		{"log.levle", 20, 3, `did you mean "level"?`},
	}
	_, err := decode("site.yaml", strings.NewReader(yml), func(string) (string, bool) { return "", false }, os.ReadFile)
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	if len(ps) != len(tests) {
		t.Errorf("got %d problems, want %d: %v", len(ps), len(tests), ps)
	}
	for _, tt := range tests {
		found := false
		for _, p := range ps {
			if p.Path != tt.path {
				continue
			}
			found = true
			if p.File != "site.yaml" || p.Line != tt.line || p.Column != tt.col || !strings.Contains(p.Message, tt.message) {
				t.Errorf("%s: got %q, want site.yaml:%d:%d and %q", tt.path, p, tt.line, tt.col, tt.message)
			}
		}
		if !found {
			t.Errorf("no problem at %s in %v", tt.path, ps)
		}
	}
}

func TestValidationProblemsHaveLines(t *testing.T) {
	yml := minimal + "log:\n  format: jsn\n"
	_, err := decode("site.yaml", strings.NewReader(yml), nil, nil)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 {
		t.Fatalf("want one problem, got %v", err)
	}
	if got, want := ps[0].String(), `site.yaml:11:3: log.format: "jsn" is not one of json, text`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A required key that is missing is reported at its section.
	_, err = decode("site.yaml", strings.NewReader(strings.Replace(minimal, "  driver: sqlite\n  dsn: \"frontdoor.db\"\n", "  driver: postgres\n", 1)), nil, nil)
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Path != "store.dsn" || ps[0].Line != 7 {
		t.Errorf("missing store.dsn: %v", err)
	}
}

func TestSecretFileProblemAtItsLine(t *testing.T) {
	_, err := decode("site.yaml", strings.NewReader(withDirectory), nil, func(string) ([]byte, error) { return nil, os.ErrNotExist })
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 {
		t.Fatalf("want one problem, got %v", err)
	}
	if p := ps[0]; p.Path != "directory.bind_password_file" || p.Line != 15 || p.Column != 3 {
		t.Errorf("got %q, want directory.bind_password_file at 15:3", p)
	}
}

func TestSyntaxErrorNamesFileAndLine(t *testing.T) {
	_, err := decode("site.yaml", strings.NewReader("server:\n  listen: [\n"), nil, nil)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 {
		t.Fatalf("want one problem, got %v", err)
	}
	if got := ps[0].String(); !strings.HasPrefix(got, "site.yaml:") || !strings.Contains(got, "not valid YAML") || ps[0].Line == 0 {
		t.Errorf("syntax error reads %q", got)
	}
}

func TestSuggest(t *testing.T) {
	keys := structKeys(reflect.TypeFor[SMTP]())
	for key, want := range map[string]string{
		"hots":          "host",
		"usernmae":      "username",
		"passwrod_file": "password_file",
		"conections":    "connections",
		"colour":        "",
		"x":             "",
	} {
		if got := suggest(key, keys); got != want {
			t.Errorf("suggest(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestLocateLaterProblems(t *testing.T) {
	c, err := decode("site.yaml", strings.NewReader(withDirectory), nil, func(string) ([]byte, error) { return []byte("pw"), nil })
	if err != nil {
		t.Fatal(err)
	}
	ps := c.Locate(Problems{{Path: "directory.bind_password", Message: "x"}, {Path: "reset.methods[0]", Message: "y"}})
	if ps[0].Line != 15 || ps[1].Line != 0 || ps[1].File != "site.yaml" {
		t.Errorf("located: %v", ps)
	}
}

func TestSignInURL(t *testing.T) {
	for _, tt := range []struct {
		value string
		ok    bool
	}{
		{"/simplesaml/module.php/core/authenticate.php?as=ldap", true},
		{"https://app.example.test/login", true},
		{"//evil.example/", false},
		{"login", false},
		{"ftp://x/", false},
		{"/.frontdoor/reset", false},
	} {
		yml := strings.Replace(minimal, `url: "http://127.0.0.1:8081"`, `url: "http://127.0.0.1:8081"
  sign_in_url: "`+tt.value+`"`, 1)
		_, err := read(t, yml, nil, nil)
		if tt.ok && err != nil {
			t.Errorf("%s refused: %v", tt.value, err)
		}
		if !tt.ok {
			if got := problemPaths(t, err); len(got) != 1 || got[0] != "upstream.sign_in_url" {
				t.Errorf("%s: problems at %v", tt.value, got)
			}
		}
	}
}

func TestCaptchaLength(t *testing.T) {
	c, err := read(t, minimal, nil, nil)
	if err != nil || c.Captcha.Length != 6 {
		t.Fatalf("default captcha.length %v, %v", c.Captcha.Length, err)
	}
	_, err = read(t, minimal+"captcha:\n  length: 3\n", nil, nil)
	if got := problemPaths(t, err); len(got) != 1 || got[0] != "captcha.length" {
		t.Errorf("length 3: problems at %v", got)
	}
}

// TestUnlockDailyCapBounds (U-2): unlock.daily_cap outside 1 to 100 is
// refused at its path; the limit cannot be turned off.
func TestUnlockDailyCapBounds(t *testing.T) {
	secrets := map[string]string{"/run/secrets/ldap": "pw"}
	for cap, ok := range map[string]bool{"-1": false, "101": false, "100000": false, "1": true, "100": true} {
		_, err := read(t, withDirectory+"unlock:\n  daily_cap: "+cap+"\n", nil, secrets)
		if ok {
			if err != nil {
				t.Errorf("daily_cap %s: %v", cap, err)
			}
			continue
		}
		if got := strings.Join(problemPaths(t, err), " "); got != "unlock.daily_cap" {
			t.Errorf("daily_cap %s: problems at %q, want unlock.daily_cap", cap, got)
		}
	}
}

// TestPublicURLScheme (U-4): public_url must be https, but for a test setup
// on this machine.
func TestPublicURLScheme(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://sso.example.com", true},
		{"http://127.0.0.1:8080", true},
		{"http://localhost:8080", true},
		{"http://[::1]:8080", true},
		{"http://sso.example.com", false},
		{"http://10.0.0.5", false},
		{"http://127.0.0.1.example.com", false},
	} {
		acceptedOrRefusedAt(t, tc.url, strings.Replace(minimal, `public_url: "https://sso.example.com"`, `public_url: "`+tc.url+`"`, 1), tc.ok, "server.public_url")
	}
}

// acceptedOrRefusedAt reads yml, which must be valid when ok, and refused
// at path alone otherwise.
func acceptedOrRefusedAt(t *testing.T, what, yml string, ok bool, path string) {
	t.Helper()
	_, err := read(t, yml, nil, nil)
	if ok && err != nil {
		t.Errorf("%s: refused: %v", what, err)
	}
	if !ok && !slices.Equal(problemPaths(t, err), []string{path}) {
		t.Errorf("%s: %v; want refused at %s", what, err, path)
	}
}
