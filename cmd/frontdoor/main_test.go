package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

const base = `
server:
  public_url: "https://sso.example.com"
  secret_key: "test-only-key-0123456789abcdef-0123"
upstream:
  url: "http://127.0.0.1:8081"
store:
  dsn: "frontdoor.db"
`

const ldapDir = `directory:
  type: openldap
  urls: ["ldaps://127.0.0.1:636"]
  bind_dn: "cn=frontdoor,ou=services,dc=example,dc=test"
  bind_password: x
  base_dn: "dc=example,dc=test"
`

const mail = `email:
  from: "frontdoor <no-reply@example.test>"
  smtp: {host: 127.0.0.1, port: 25, tls: none}
`

func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeConfig(t *testing.T, yml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckConfig(t *testing.T) {
	tests := []struct {
		name, yml string
		code      int
		want      []string
	}{
		{"minimal", base, 0, []string{"valid"}},
		{"example", "", 0, []string{"valid"}},
		{"AD without TLS", base + `
directory:
  type: activedirectory
  urls: ["ldap://dc1.example.test"]
  bind_dn: "CN=frontdoor,CN=Users,DC=example,DC=test"
  bind_password: x
  base_dn: "DC=example,DC=test"
`, 1, []string{"directory.urls[0]", "TLS"}},
		{"bind as the OpenLDAP rootdn", base + `
directory:
  type: openldap
  urls: ["ldaps://127.0.0.1:636"]
  bind_dn: "cn=admin,dc=example,dc=test"
  bind_password: x
  base_dn: "dc=example,dc=test"
`, 1, []string{"directory.bind_dn", "rootdn"}},
		{"every problem listed", "server:\n  listen: nope\nupstream:\n  url: ftp://x\nstore:\n  driver: mongo\n  dsn: x\n", 1,
			[]string{"server.listen", "server.public_url", "upstream.url", "store.driver"}},
		{"banned term too short", base + "password_policy:\n  banned_terms: [abc]\n", 1, []string{"password_policy.banned_terms[0]"}},
		{"unknown key", base + "surprise: true\n", 1, []string{"surprise"}},
		{"unknown key in the backend's section", base + ldapDir + "  bind_password_fiel: x\n", 1, []string{"bind_password_fiel", "section directory"}},
		{"misspelt key: file, line, column, path and suggestion", base + ldapDir + "  bind_password_fiel: x\n", 1,
			[]string{`config.yaml:15:3: directory.bind_password_fiel: unknown key "bind_password_fiel" in section directory; did you mean "bind_password_file"?`}},
		{"misspelt top-level section", base + "emial: {}\n", 1, []string{`config.yaml:9:1: emial: unknown key "emial"; did you mean "email"?`}},
		{"type error at its line", base + "unlock:\n  daily_cap: three\n", 1, []string{"config.yaml:10:3: unlock.daily_cap: cannot unmarshal"}},
		{"YAML syntax error names the file", base + "reset: [\n", 1, []string{"config.yaml:", "not valid YAML"}},
		{"check of the server at its line", base + ldapDir + mail + "reset:\n  methods: [email, sms]\n", 1,
			[]string{"config.yaml:19:20: reset.methods[1]: \"sms\" is not a method this build has"}},
		{"directory type not in this build", base + strings.Replace(ldapDir, "openldap", "novell", 1), 1, []string{"directory.type", "novell"}},
		{"method not in this build", base + ldapDir + mail + "reset:\n  methods: [email, sms]\n", 1, []string{"reset.methods[1]", "not a method this build has"}},
		{"email method without email", base + ldapDir + "reset:\n  methods: [email]\n", 1, []string{"email: is required"}},
		{"mobile_text without a text gateway", base + ldapDir + mail + "reset:\n  methods: [email, mobile_text]\n", 1, []string{"text: is required"}},
		{"mobile_text with kannel", base + ldapDir + mail + "reset:\n  methods: [email, mobile_text]\n  methods_required: 2\nphone: {default_region: US}\ntext: {provider: kannel, kannel: {url: \"http://127.0.0.1:13013/cgi-bin/sendsms\"}}\n", 0, []string{"valid"}},
		{"unlock without reset", base + ldapDir + mail + "unlock:\n  enabled: all\n", 1, []string{"unlock:", "reset section"}},
		{"reset groups without groups", base + ldapDir + mail + "reset:\n  enabled: groups\n", 1, []string{"reset.groups"}},
		{"unlock groups without groups", base + ldapDir + mail + "reset: {}\nunlock:\n  enabled: groups\n", 1, []string{"unlock.groups"}},
		{"helpdesk group without a directory", base + mail + "helpdesk:\n  group: cn=helpdesk,dc=example,dc=test\n", 1, []string{"helpdesk.group", "directory"}},
		{"helpdesk email without email", base + "helpdesk:\n  email: help@example.test\n", 1, []string{"email: is required", "helpdesk"}},
		{"the methods with enrolment", base + ldapDir + mail + "reset:\n  methods: [email, security_questions, app_code, passkey]\n", 0, []string{"valid"}},
		{"security questions alone with two gates", base + ldapDir + mail + "reset:\n  methods_required: 2\n  methods: [security_questions]\n", 1,
			[]string{"reset.methods", "methods_required is 2"}},
		{"a custom question too long", base + ldapDir + mail + "security_questions:\n  custom: [\"" + strings.Repeat("x", 201) + "\"]\n", 1,
			[]string{"security_questions.custom[0]", "200"}},
		{"app_notification without its section", base + ldapDir + mail + "reset:\n  methods: [email, app_notification]\n", 1,
			[]string{"app_notification: is required"}},
		{"app_notification with ntfy", base + ldapDir + mail + "reset:\n  methods: [email, app_notification]\napp_notification:\n  provider: ntfy\n  ntfy:\n    url: https://ntfy.example.test\n", 0,
			[]string{"valid"}},
		{"app_notification with a Duo section missing keys", base + ldapDir + mail + "app_notification:\n  provider: duo\n  duo:\n    api_host: api-1234abcd.duosecurity.com\n", 1,
			[]string{"app_notification.duo.integration_key", "app_notification.duo.secret_key"}},
		{"overlapping intercepts", strings.Replace(base, "url: \"http://127.0.0.1:8081\"", "url: \"http://127.0.0.1:8081\"\n  intercept: {reset: [/forgot*], unlock: [/forgot-unlock]}", 1), 1,
			[]string{"upstream.intercept.unlock[0]", "overlaps"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "../../config.example.yaml"
			if tt.yml != "" {
				path = writeConfig(t, tt.yml)
			} else {
				t.Setenv("FRONTDOOR_LDAP_PASSWORD", "x")
				t.Setenv("FRONTDOOR_SECRET_KEY", strings.Repeat("s", 32))
			}
			code, out, errOut := runCmd(t, "", "check-config", "--config", path)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out+errOut, w) {
					t.Errorf("output lacks %q:\n%s%s", w, out, errOut)
				}
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	path := writeConfig(t, base+"organization: Contoso\npassword_policy:\n  banned_terms: [sprocket]\n")
	tests := []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"Tulip-Harbour-Quartz-71\n", nil, 0, "accepted"},
		{"Sprocket26!\n", nil, 1, "refused"},    // banned term (1) + 3 characters = 4 points
		{"Sprocket2026!\n", nil, 0, "accepted"}, // 1 + 5 = 6 points: Entra accepts it
		{"Contoso2026!!\n", nil, 1, "refused"},
		{"Zelda-Korhonen-42\n", []string{"--user", "zkorhonen", "--name", "Zelda Korhonen"}, 1, "refused"},
		{"", nil, 2, "no password"},
	}
	for _, tt := range tests {
		args := append([]string{"check-password", "--config", path}, tt.args...)
		code, out, errOut := runCmd(t, tt.stdin, args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("check-password %q %v: exit %d\n%s%s", tt.stdin, tt.args, code, out, errOut)
		}
		if tt.stdin != "" && strings.Contains(out+errOut, strings.TrimSpace(tt.stdin)) {
			t.Errorf("the password was echoed back: %s", out)
		}
	}
}

// The verdict is worded from the pages' catalogues: the terminal's language,
// and the operator's own words from server.templates_dir.
func TestCheckPasswordWording(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "locales"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "locales", "en.toml"), []byte("[policy.reason]\ntoo_short = \"Use {{.N}} characters or more.\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	plain := writeConfig(t, base)
	custom := writeConfig(t, strings.Replace(base, "server:\n", "server:\n  templates_dir: "+dir+"\n", 1))
	tests := []struct {
		name, config, lang, want string
	}{
		{"English", plain, "C", "too_short: Your password must have at least 8 characters."},
		{"French from LANG", plain, "fr_FR.UTF-8", "too_short: Votre mot de passe doit comporter au moins 8 caractères."},
		{"operator's words", custom, "en_GB.UTF-8", "too_short: Use 8 characters or more."},
		{"bidi override", plain, "C", "control: Your password contains invisible or control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("LC_ALL", "")
			t.Setenv("LC_MESSAGES", "")
			t.Setenv("LANG", tt.lang)
			pw := "Kv9!\n"
			if strings.HasPrefix(tt.want, "control") {
				pw = "Kv93!x\u202eTrq#pl\n"
			}
			code, out, errOut := runCmd(t, pw, "check-password", "--config", tt.config)
			if code != 1 || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want 1 and %q:\n%s%s", code, tt.want, out, errOut)
			}
		})
	}
}

func TestUsageAndVersion(t *testing.T) {
	if code, out, _ := runCmd(t, "", "version"); code != 0 || !strings.HasPrefix(out, "frontdoor ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, _, errOut := runCmd(t, "", "bogus"); code != 2 || !strings.Contains(errOut, "usage") {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
	if code, _, errOut := runCmd(t, "", "serve"); code != 2 || !strings.Contains(errOut, "--config") {
		t.Errorf("serve without --config: %d %q", code, errOut)
	}
}

func TestAudit(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, strings.Replace(base, `dsn: "frontdoor.db"`, `dsn: "`+filepath.Join(dir, "fd.db")+`"`, 1))
	code, out, errOut := runCmd(t, "", "audit", "--config", path, "--since", "1h")
	if code != 0 || out != "" {
		t.Fatalf("audit on an empty store: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCmd(t, "", "audit", "--config", path, "--since", "soon"); code != 2 || !strings.Contains(errOut, "since") {
		t.Errorf("bad --since: exit %d %s", code, errOut)
	}
}

// TestCheckConfigConnect runs check-config --connect against the real
// servers of testenv: one line per server, exit 0; with the directory's
// password wrong, its line fails and so does the command.
func TestCheckConfigConnect(t *testing.T) {
	ssp := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_URL", "SIMPLESAMLPHP_LOGIN_START")
	d := testenv.Require(t, "slapd", "SLAPD_LDAPS_URL", "SLAPD_CA_FILE", "SLAPD_BIND_DN", "SLAPD_BIND_PASSWORD", "SLAPD_BASE_DN")
	m := testenv.Require(t, "mailpit", "MAILPIT_SMTP_HOST", "MAILPIT_SMTP_PORT")
	yml := func(password string) string {
		return fmt.Sprintf(`server:
  public_url: "https://sso.example.test"
  secret_key: %q
upstream:
  url: %q
  preset: simplesamlphp
  sign_in_url: %q
store:
  dsn: %q
directory:
  type: openldap
  urls: [%q]
  ca_file: %q
  bind_dn: %q
  bind_password: %q
  base_dn: %q
email:
  from: "frontdoor <no-reply@example.test>"
  smtp: {host: %q, port: %s, tls: none}
`, strings.Repeat("s", 32), ssp[0], ssp[1], filepath.Join(t.TempDir(), "fd.db"), d[0], d[1], d[2], password, d[4], m[0], m[1])
	}
	code, out, errOut := runCmd(t, "", "check-config", "--connect", "--config", writeConfig(t, yml(d[3])))
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"valid", "ok   directory", "ok   mail server", "ok   upstream", "form found", "ok   store"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runCmd(t, "", "check-config", "--connect", "--config", writeConfig(t, yml("wrong")))
	if code != 1 || !strings.Contains(out, "FAIL directory") || !strings.Contains(out, "ok   mail server") {
		t.Errorf("wrong directory password: exit %d\n%s%s", code, out, errOut)
	}
	// Without --connect nothing is tried.
	code, out, _ = runCmd(t, "", "check-config", "--config", writeConfig(t, yml("wrong")))
	if code != 0 || strings.Contains(out, "directory") {
		t.Errorf("without --connect: exit %d\n%s", code, out)
	}
}

func TestCheckConfigWarnings(t *testing.T) {
	yml := base + "captcha: {provider: none, insecure: true}\n"
	code, out, errOut := runCmd(t, "", "check-config", "--config", writeConfig(t, yml))
	if code != 0 || !strings.Contains(out, "warning: captcha.provider is none") || !strings.Contains(out, "valid") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}
