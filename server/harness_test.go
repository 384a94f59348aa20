package server

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	ldapbackend "github.com/frontdoor-sspr/frontdoor/idp/ldap"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// frontdoor is a running frontdoor in front of the testenv SimpleSAMLphp, with
// the testenv slapd as its directory and mailpit as its mail server.
type frontdoor struct {
	URL string
	srv *Server
}

// testConfig is the configuration the end-to-end tests start from.
func testConfig(t testing.TB) *config.Config {
	ssp := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_URL")[0]
	d := testenv.Require(t, "slapd", "SLAPD_LDAPS_URL", "SLAPD_CA_FILE", "SLAPD_BIND_DN", "SLAPD_BIND_PASSWORD", "SLAPD_BASE_DN", "SLAPD_ROOT_DN")
	m := testenv.Require(t, "mailpit", "MAILPIT_SMTP_HOST", "MAILPIT_SMTP_PORT")
	port, _ := strconv.Atoi(m[1])
	return &config.Config{
		Server:       config.Server{SecretKey: strings.Repeat("k", 32)},
		Upstream:     config.Upstream{URL: ssp, Preset: "simplesamlphp"},
		Store:        config.Store{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "frontdoor.db")},
		Organization: "Example Corp",
		Directory: &config.Directory{Type: "openldap", Backend: &ldapbackend.Config{Dialect: ldapbackend.OpenLDAP,
			URLs: []string{d[0]}, CAFile: d[1], BindDN: d[2], BindPassword: d[3], BaseDN: d[4], RootDN: d[5],
			AdminGroups: []string{"cn=admins,ou=groups," + d[4]}}},
		Reset:   &config.Reset{Enabled: "all", Methods: []string{"email"}},
		Unlock:  &config.Unlock{Enabled: "all"},
		Email:   &config.Email{From: "frontdoor <no-reply@example.test>", SMTP: config.SMTP{Host: m[0], Port: port, TLS: "none"}},
		Captcha: config.Captcha{Provider: "image"},
	}
}

// startFrontdoor serves cfg (testConfig when nil) on loopback until the test ends.
func startFrontdoor(t testing.TB, cfg *config.Config) *frontdoor {
	t.Helper()
	return startFrontdoorLogging(t, cfg, nil)
}

// startFrontdoorLogging is startFrontdoor with the log written to logw at
// debug level (when logw is not nil).
func startFrontdoorLogging(t testing.TB, cfg *config.Config, logw io.Writer) *frontdoor {
	t.Helper()
	fd, stop := serveFrontdoor(t, cfg, logw)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return fd
}

// serveFrontdoor starts frontdoor on loopback listeners and returns stop,
// which cancels its context and returns what Serve returned.
func serveFrontdoor(t testing.TB, cfg *config.Config, logw io.Writer) (*frontdoor, func() error) {
	t.Helper()
	return serveFrontdoorAt(t, cfg, logw, "127.0.0.1:0")
}

// serveFrontdoorAt is serveFrontdoor listening at addr, for a test whose
// configuration must name frontdoor's address before it starts.
func serveFrontdoorAt(t testing.TB, cfg *config.Config, logw io.Writer, addr string) (*frontdoor, func() error) {
	t.Helper()
	if cfg == nil {
		cfg = testConfig(t)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	mln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.Listen, cfg.Server.MetricsListen = ln.Addr().String(), mln.Addr().String()
	cfg.Server.PublicURL = "http://" + ln.Addr().String()
	cfg.ApplyDefaults()
	if p := cfg.Validate(); len(p) > 0 {
		t.Fatal(p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	if logw != nil {
		log = slog.New(slog.NewJSONHandler(logw, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	srv, err := New(ctx, cfg, log, "test")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, mln) }()
	return &frontdoor{URL: cfg.Server.PublicURL, srv: srv}, func() error {
		cancel()
		return <-done
	}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// browser is an HTTP client with a cookie jar that follows redirects, as a
// browser does.
func browser(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// identify starts a reset and identifies login; it returns the method page.
func (fd *frontdoor) identify(t *testing.T, c *http.Client, login string) string {
	t.Helper()
	return fd.identifyIn(t, c, "reset", login)
}

// identifyIn opens the start page of the flow kind (reset or unlock) and
// identifies login, up to the method choice it returns.
func (fd *frontdoor) identifyIn(t *testing.T, c *http.Client, kind, login string) string {
	t.Helper()
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/"+kind, nil)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/"+kind+"/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, kind)}})
	if !strings.Contains(body, `name="method"`) {
		t.Fatalf("after identify: no method choice\n%s", body)
	}
	return body
}

// atCode walks login's reset up to the code page by email and returns the
// page and the code mailed to mail.
func (fd *frontdoor) atCode(t *testing.T, c *http.Client, login, mail string) (body, code string) {
	t.Helper()
	return fd.atCodeIn(t, c, "reset", login, mail)
}

// atCodeIn is atCode for the flow kind (reset or unlock).
func (fd *frontdoor) atCodeIn(t *testing.T, c *http.Client, kind, login, mail string) (body, code string) {
	t.Helper()
	body = fd.identifyIn(t, c, kind, login)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/"+kind+"/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	return body, waitCode(t, mail)
}

// emptyMailbox deletes the messages mailpit holds for each address, so
// that a test counts only its own, and returns the mailpit client.
func emptyMailbox(t *testing.T, addrs ...string) *testenv.MailpitClient {
	t.Helper()
	mp := testenv.Mailpit(t)
	for _, a := range addrs {
		if err := mp.Delete(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	return mp
}

// headerTransport sets one request header on every request, as a browser
// set to a language, or a proxy in front naming the client, does.
type headerTransport struct{ key, value string }

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.key, h.value)
	return http.DefaultTransport.RoundTrip(r)
}

// page fetches (GET when form is nil, else POST) and returns the final status,
// URL and body.
func page(t testing.TB, c *http.Client, method, rawURL string, form url.Values) (int, *url.URL, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if form == nil {
		resp, err = c.Get(rawURL)
	} else {
		resp, err = c.PostForm(rawURL, form)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Request.URL, string(b)
}

var (
	csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	hrefRE = regexp.MustCompile(`<a class="frontdoor-link" href="([^"]+)">([^<]+)</a>`)
	codeRE = regexp.MustCompile(`\b(\d{8})\b`)
)

// csrf returns the page's CSRF token.
func csrf(t testing.TB, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in page:\n%s", body)
	}
	return m[1]
}

// injectedLink returns the href of the injected link with the given text.
func htmlUnescape(s string) string { return html.UnescapeString(s) }

func injectedLink(t testing.TB, body, text string) string {
	t.Helper()
	for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
		if html.UnescapeString(m[2]) == text {
			return html.UnescapeString(m[1])
		}
	}
	t.Fatalf("no injected %q link in page:\n%s", text, body)
	return ""
}

// captchaAnswer reads the CAPTCHA answer of the browser's current flow from
// the store: test code only, the binary has no such door.
func (fd *frontdoor) captchaAnswer(t testing.TB, c *http.Client, kind string) string {
	t.Helper()
	u, _ := url.Parse(fd.URL + "/.frontdoor/")
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name != flows.CookieName(kind) {
			continue
		}
		var s struct {
			Captcha struct{ Answer string } `json:"captcha"`
		}
		if _, err := fd.srv.engine.Peek(context.Background(), kind, ck.Value, &s); err != nil {
			t.Fatal(err)
		}
		return s.Captcha.Answer
	}
	t.Fatalf("no %s flow cookie", kind)
	return ""
}

// flowStep returns the step of the browser's current flow.
func (fd *frontdoor) flowStep(t testing.TB, c *http.Client, kind string) string {
	t.Helper()
	u, _ := url.Parse(fd.URL + "/.frontdoor/")
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == flows.CookieName(kind) {
			var s json.RawMessage
			f, err := fd.srv.engine.Peek(context.Background(), kind, ck.Value, &s)
			if err != nil {
				t.Fatal(err)
			}
			return f.Step
		}
	}
	return ""
}

// slapdRoot binds to the testenv slapd as its rootdn, which bypasses ppolicy:
// tests use it to restore fixtures.
func slapdRoot(t testing.TB) *ldap.Conn {
	v := testenv.Require(t, "slapd", "SLAPD_URL", "SLAPD_ROOT_DN", "SLAPD_ROOT_PASSWORD")
	c, err := ldap.DialURL(v[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Bind(v[1], v[2]); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// slapdUser creates a throwaway user in slapd for one test, so tests never
// change the fixture users others rely on, and deletes it at the end. It
// returns the login, its mail address and its password.
func slapdUser(t testing.TB) (login, mail, password string) {
	t.Helper()
	c := slapdRoot(t)
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	login = "fd-" + strings.ToLower(rand.Text()[:10])
	mail, password = login+"@example.test", "Throwaway-Start-"+rand.Text()[:6]+"!"
	dn := "uid=" + login + ",ou=people," + base
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"inetOrgPerson"})
	add.Attribute("uid", []string{login})
	add.Attribute("cn", []string{"Test " + login})
	add.Attribute("sn", []string{"Throwaway"})
	add.Attribute("givenName", []string{"Tess"})
	add.Attribute("mail", []string{mail})
	add.Attribute("userPassword", []string{password})
	if err := c.Add(add); err != nil {
		t.Fatalf("create %s: %v", dn, err)
	}
	t.Cleanup(func() {
		if err := slapdRoot(t).Del(ldap.NewDelRequest(dn, nil)); err != nil {
			t.Errorf("delete %s: %v", dn, err)
		}
	})
	return login, mail, password
}

// slapdBind tells whether login binds with password.
func slapdBind(t testing.TB, login, password string) error {
	v := testenv.Require(t, "slapd", "SLAPD_URL", "SLAPD_BASE_DN")
	c, err := ldap.DialURL(v[0])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.Bind("uid="+login+",ou=people,"+v[1], password)
}

// slapdPasswordIs checks that login's password is now pw and that old no
// longer binds.
func slapdPasswordIs(t testing.TB, login, pw, old string) {
	t.Helper()
	if err := slapdBind(t, login, pw); err != nil {
		t.Fatalf("bind with the new password: %v", err)
	}
	if err := slapdBind(t, login, old); err == nil {
		t.Fatal("the old password still binds")
	}
}

// ldapConfig is the LDAP backend's section of cfg, for tests to adjust.
func ldapConfig(cfg *config.Config) *ldapbackend.Config {
	return cfg.Directory.Backend.(*ldapbackend.Config)
}
