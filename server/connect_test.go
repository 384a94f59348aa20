package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/idp/idptest"
	ldapbackend "github.com/frontdoor-sspr/frontdoor/idp/ldap"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// connectConfig is testConfig with the sign-in page to fetch, defaults applied.
func connectConfig(t *testing.T) *config.Config {
	cfg := testConfig(t)
	cfg.Upstream.SignInURL = testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	cfg.Server.PublicURL = "https://sso.example.test"
	cfg.ApplyDefaults()
	return cfg
}

// TestConnectEachServerDownInTurn tries the real servers of testenv, all up,
// then with each one unreachable or misconfigured: only that one fails, and
// its line says why.
func TestConnectEachServerDownInTurn(t *testing.T) {
	tests := []struct {
		name, part, want string
		breakIt          func(*config.Config)
	}{
		{"all up", "", "", func(*config.Config) {}},
		{"directory unreachable", "directory", "", func(c *config.Config) { ldapConfig(c).URLs = []string{"ldaps://" + idptest.ClosedAddr(t)} }},
		{"directory password wrong", "directory", "", func(c *config.Config) { ldapConfig(c).BindPassword = "wrong" }},
		{"audit reader group missing", "directory", `no such group in the directory`, func(c *config.Config) {
			base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
			c.Audit.Readers = []string{"cn=admins,ou=groups," + base, "cn=no-such-group,ou=groups," + base}
		}},
		{"mail server unreachable", "mail server", "", func(c *config.Config) {
			c.Email.SMTP.Port = portOf(t, idptest.ClosedAddr(t))
		}},
		{"mail server wants no STARTTLS it lacks", "mail server", "", func(c *config.Config) { c.Email.SMTP.TLS = "starttls" }},
		{"upstream unreachable", "upstream", "", func(c *config.Config) { c.Upstream.URL = "http://" + idptest.ClosedAddr(t) }},
		{"sign-in page without the anchor", "upstream", "#no-such-element", func(c *config.Config) { c.Upstream.InjectAfter = "#no-such-element" }},
		{"sign-in page missing", "upstream", "404", func(c *config.Config) { c.Upstream.SignInURL = "/simplesaml/no-such-page.php" }},
		{"store unreachable", "store", "", func(c *config.Config) {
			c.Store = config.Store{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := connectConfig(t)
			tt.breakIt(cfg)
			cs := Connect(context.Background(), cfg)
			if len(cs) != 4 {
				t.Fatalf("%d results, want directory, mail server, upstream, store: %v", len(cs), cs)
			}
			for _, c := range cs {
				line := c.String()
				switch {
				case c.Part == tt.part && c.Err == nil:
					t.Errorf("%s: ok while down: %s", c.Part, line)
				case c.Part == tt.part && (!strings.HasPrefix(line, "FAIL "+c.Part) || !strings.Contains(line, tt.want)):
					t.Errorf("%s: line %q lacks FAIL or %q", c.Part, line, tt.want)
				case c.Part != tt.part && c.Err != nil:
					t.Errorf("%s: failed though up: %s", c.Part, line)
				}
				if c.Part == tt.part {
					t.Log(line)
				}
			}
		})
	}
}

func TestConnectLinesSayWhatWasDone(t *testing.T) {
	cfg := connectConfig(t)
	var all []string
	for _, c := range Connect(context.Background(), cfg) {
		all = append(all, c.String())
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{
		"ok   directory   openldap: signed in and searched",
		"ok   mail server " + cfg.Email.SMTP.Host,
		"EHLO accepted, nothing sent",
		"ok   upstream    GET " + cfg.Upstream.URL + cfg.Upstream.SignInURL + ": 200 at /simplesaml/module.php/core/loginuserpass",
		"form found: the links go after it",
		"ok   store       sqlite: opened and answered",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lines lack %q:\n%s", want, got)
		}
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name string
		set  func(*config.Config)
		want string
	}{
		{"no secret key", func(c *config.Config) { c.Server.SecretKey = "" }, "server.secret_key"},
		{"no CAPTCHA", func(c *config.Config) { c.Captcha = config.Captcha{Provider: "none", Insecure: true} }, "captcha.provider is none"},
		{"descriptive disclosure", func(c *config.Config) { c.Reset.Disclosure = config.DisclosureDescriptive }, "reset.disclosure is descriptive"},
		{"Kannel over http to another host", func(c *config.Config) {
			c.Text = &config.Text{Provider: "kannel", Kannel: &config.TextKannel{URL: "http://kannel.example.test:13013/cgi-bin/sendsms"}}
		}, "text.kannel.url is http"},
		{"SMTP in clear, allowed", func(c *config.Config) {
			c.Email.SMTP.Host, c.Email.SMTP.TLS, c.Email.SMTP.AllowPlaintext = "mail.example.test", "none", true
		}, "email.smtp.tls is none"},
		{"security questions alone", func(c *config.Config) {
			c.Reset.Methods, c.Reset.MethodsRequired = []string{"email", "security_questions"}, 1
		}, "not compliant with OWASP ASVS"},
	}
	base := connectConfig(t)
	if ws := Warnings(base); len(ws) != 0 {
		t.Errorf("warnings for a sound configuration: %v", ws)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := connectConfig(t)
			tt.set(cfg)
			ws := Warnings(cfg)
			if len(ws) != 1 || !strings.Contains(ws[0], tt.want) {
				t.Errorf("warnings %v, want one with %q", ws, tt.want)
			}
		})
	}
	paired := connectConfig(t)
	paired.Reset.Methods, paired.Reset.MethodsRequired = []string{"email", "security_questions"}, 2
	if ws := Warnings(paired); len(ws) != 0 {
		t.Errorf("security questions paired with another method warned: %v", ws)
	}
	local := connectConfig(t)
	local.Server.PublicURL = "http://127.0.0.1:8080"
	if ws := Warnings(local); len(ws) != 0 {
		t.Errorf("plain http on loopback warned: %v", ws)
	}
}

// TestReadyzChecksDirectoryAndMail: /readyz names the part that is down, and
// health.ready: [store] keeps the answer of before (the store only).
func TestReadyzChecksDirectoryAndMail(t *testing.T) {
	readyz := func(fd *frontdoor) (int, string) {
		resp, err := http.Get("http://" + fd.srv.cfg.Server.MetricsListen + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(b))
	}
	fd := startFrontdoor(t, nil)
	if code, body := readyz(fd); code != 200 || body != "ok" {
		t.Errorf("all up: /readyz %d %q", code, body)
	}

	down := testConfig(t)
	ldapConfig(down).URLs = []string{"ldaps://" + idptest.ClosedAddr(t)}
	down.Email.SMTP.Port = portOf(t, idptest.ClosedAddr(t))
	fd = startFrontdoor(t, down)
	if code, body := readyz(fd); code != 503 || body != "not ready: directory, mail server" {
		t.Errorf("directory and mail down: /readyz %d %q", code, body)
	}

	storeOnly := testConfig(t)
	ldapConfig(storeOnly).URLs = []string{"ldaps://" + idptest.ClosedAddr(t)}
	storeOnly.Health.Ready = []string{"store"}
	fd = startFrontdoor(t, storeOnly)
	if code, body := readyz(fd); code != 200 || body != "ok" {
		t.Errorf("health.ready [store], directory down: /readyz %d %q", code, body)
	}
}

func portOf(t *testing.T, addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return n
}

// TestServeLogsConnections: at start serve logs one line per server, an
// error for one that is down, and goes on serving.
func TestServeLogsConnections(t *testing.T) {
	cfg := testConfig(t)
	cfg.Email.SMTP.Port = portOf(t, idptest.ClosedAddr(t))
	var logs syncBuffer
	fd := startFrontdoorLogging(t, cfg, &logs)
	fd.srv.LogConnections(context.Background())
	got := logs.String()
	for _, want := range []string{`"msg":"directory ok"`, `"msg":"upstream ok"`, `"msg":"store ok"`, `"level":"ERROR","msg":"cannot use mail server"`} {
		if !strings.Contains(got, want) {
			t.Errorf("the log lacks %s:\n%s", want, got)
		}
	}
	if resp, err := http.Get(fd.URL + "/.frontdoor/reset"); err != nil || resp.StatusCode != 200 {
		t.Errorf("not serving with the mail server down: %v %v", resp, err)
	}
}

// TestConnectWarnsOfAnAdministratorsAccount: check-config --connect (and
// serve's start) says so when the directory's service account is an
// administrator, and stays quiet for the delegated one of testenv.
func TestConnectWarnsOfAnAdministratorsAccount(t *testing.T) {
	cfg := connectConfig(t)
	cfg.Directory = adDirectory(t)
	line := func(cfg *config.Config) string {
		for _, c := range Connect(context.Background(), cfg) {
			if c.Part == "directory" {
				return c.String()
			}
		}
		t.Fatal("no directory line")
		return ""
	}
	if got := line(cfg); !strings.HasPrefix(got, "ok   directory   activedirectory: signed in") {
		t.Errorf("the delegated service account: %q", got)
	}
	v := testenv.Require(t, "samba", "SAMBA_ADMIN_DN", "SAMBA_ADMIN_PASSWORD")
	admin := adDirectory(t)
	be := admin.Backend.(*ldapbackend.Config)
	be.BindDN, be.BindPassword = v[0], v[1]
	cfg.Directory = admin
	got := line(cfg)
	t.Log(got)
	for _, want := range []string{"warn directory   activedirectory: signed in", "is an administrator", "a member of CN=Domain Admins,", "docs/directories.md"} {
		if !strings.Contains(got, want) {
			t.Errorf("the domain administrator's account: %q lacks %q", got, want)
		}
	}
}
