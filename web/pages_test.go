package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
)

// site is frontdoor's own pages as the proxy will mount them: request IDs
// outside, security headers, then a mux with a page, a form that checks its
// CSRF token, failing handlers and the static files.
type site struct {
	srv  *httptest.Server
	logs *bytes.Buffer
}

func newSite(t *testing.T) *site {
	t.Helper()
	set, err := templates.New(templates.Options{Organization: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	pages := &Pages{Templates: set, Home: "/login"}
	csrf := newCSRF(t, false)
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	flowVersion := 1

	mux := http.NewServeMux()
	mux.HandleFunc("GET /.frontdoor/reset", func(w http.ResponseWriter, r *http.Request) {
		pages.Render(w, r, http.StatusOK, "placeholder", templates.View{Data: templates.Notice{Back: "/login"}})
	})
	mux.HandleFunc("GET /.frontdoor/form", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, csrf.Token(w, r, fmt.Sprintf("flow/%d", flowVersion)))
	})
	mux.Handle("POST /.frontdoor/form", pages.Handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := csrf.Check(r, fmt.Sprintf("flow/%d", flowVersion)); err != nil {
			return err
		}
		flowVersion++ // the flow moves on: earlier tokens die
		pages.Render(w, r, http.StatusOK, "not_configured", templates.View{})
		return nil
	}))
	mux.Handle("GET /.frontdoor/fail", pages.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("ldap bind as cn=admin: %w", errors.New("connection refused"))
	}))
	mux.Handle("GET /.frontdoor/limited", pages.Handle(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Retry-After", "60")
		return WithStatus(http.StatusTooManyRequests, errors.New("identify limit reached"))
	}))
	mux.Handle("GET /.frontdoor/static/", set.StaticHandler())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		pages.Error(w, r, http.StatusNotFound, fmt.Errorf("no page %s", r.URL.Path))
	})
	h := RequestIDs{Logger: logger}.Handler(SecurityHeaders(mux))
	s := &site{srv: httptest.NewServer(h), logs: logs}
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) get(t *testing.T, c *http.Client, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, c, req)
}

func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var pageHeaders = map[string]string{
	"Content-Security-Policy":    ContentSecurityPolicy,
	"Referrer-Policy":            "no-referrer",
	"X-Content-Type-Options":     "nosniff",
	"X-Frame-Options":            "DENY",
	"Cross-Origin-Opener-Policy": "same-origin",
	"Cache-Control":              "no-store",
}

func TestHeadersOnEveryPage(t *testing.T) {
	s := newSite(t)
	for _, path := range []string{"/.frontdoor/reset", "/.frontdoor/fail", "/.frontdoor/limited", "/.frontdoor/nope", "/.frontdoor/form"} {
		resp, _ := s.get(t, http.DefaultClient, path)
		for name, want := range pageHeaders {
			if got := resp.Header.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", path, name, got, want)
			}
		}
	}
	// Static files carry the same headers but may be cached.
	resp, body := s.get(t, http.DefaultClient, "/.frontdoor/reset")
	css := regexp.MustCompile(`href="(/\.frontdoor/static/[^"]+)"`).FindStringSubmatch(body)
	if css == nil {
		t.Fatal("the page links no stylesheet")
	}
	resp, _ = s.get(t, http.DefaultClient, css[1])
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		resp.Header.Get("Content-Security-Policy") != ContentSecurityPolicy {
		t.Errorf("stylesheet: %d, Cache-Control %q, CSP %q", resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Security-Policy"))
	}
}

func TestCSPAllowsNoInlineScript(t *testing.T) {
	directives := map[string]string{}
	for _, d := range strings.Split(ContentSecurityPolicy, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:"} {
		if strings.Contains(" "+ContentSecurityPolicy+" ", " "+bad+" ") || strings.Contains(ContentSecurityPolicy, bad+";") {
			t.Errorf("the CSP allows %s", bad)
		}
	}
	want := map[string]string{"default-src": "'none'", "script-src": "'self'", "style-src": "'self'", "form-action": "'self'",
		"frame-ancestors": "'none'", "base-uri": "'none'"}
	for name, value := range want {
		if directives[name] != value {
			t.Errorf("%s = %q, want %q", name, directives[name], value)
		}
	}
}

func TestErrorPage(t *testing.T) {
	s := newSite(t)
	resp, body := s.get(t, http.DefaultClient, "/.frontdoor/fail?token=SECRET-TOKEN", "Accept-Language", "fr-CA,fr;q=0.9,en;q=0.5")
	if resp.StatusCode != 500 {
		t.Fatalf("status %d, want 500", resp.StatusCode)
	}
	id := resp.Header.Get(RequestIDHeader)
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) {
		t.Fatalf("X-Request-Id %q is not 128 random bits in hex", id)
	}
	for _, want := range []string{`lang="fr"`, "<code>" + id + "</code>", "Un problème est survenu", `href="/login"`, "Erreur 500"} {
		if !strings.Contains(body, want) {
			t.Errorf("the error page lacks %q", want)
		}
	}
	if strings.Contains(body, "ldap") || strings.Contains(body, "cn=admin") {
		t.Error("the error page shows the internal error")
	}
	logs := s.logs.String()
	for _, want := range []string{`"request_id":"` + id + `"`, `"status":500`, `"level":"ERROR"`, `"path":"/.frontdoor/fail"`, "connection refused"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log line lacks %s: %s", want, logs)
		}
	}
	if strings.Contains(logs, "SECRET-TOKEN") {
		t.Error("the query string reached the log")
	}
}

func TestErrorStatuses(t *testing.T) {
	s := newSite(t)
	tests := []struct {
		path, title string
		status      int
	}{
		{"/.frontdoor/limited", "Too many attempts", 429},
		{"/.frontdoor/nope", "Page not found", 404},
	}
	for _, tt := range tests {
		resp, body := s.get(t, http.DefaultClient, tt.path)
		if resp.StatusCode != tt.status || !strings.Contains(body, "<h1>"+tt.title+"</h1>") {
			t.Errorf("%s: %d, want %d with %q", tt.path, resp.StatusCode, tt.status, tt.title)
		}
	}
	if resp, _ := s.get(t, http.DefaultClient, "/.frontdoor/limited"); resp.Header.Get("Retry-After") != "60" {
		t.Error("a header the handler set before failing was lost")
	}
}

// TestCSRFThroughBrowser walks a form like a browser with a cookie jar: the
// token works once the flow is at its step, then dies when the flow moves on;
// another browser's token fails; a cross-site post fails.
func TestCSRFThroughBrowser(t *testing.T) {
	s := newSite(t)
	browser := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar}
	}
	alice, mallory := browser(), browser()
	postForm := func(c *http.Client, tok string, header ...string) int {
		req, _ := http.NewRequest("POST", s.srv.URL+"/.frontdoor/form", strings.NewReader(url.Values{templates.CSRFField: {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, _ := do(t, c, req)
		return resp.StatusCode
	}
	_, tok := s.get(t, alice, "/.frontdoor/form")
	_, malloryTok := s.get(t, mallory, "/.frontdoor/form")
	if got := postForm(alice, malloryTok); got != 403 {
		t.Errorf("another browser's token: %d, want 403", got)
	}
	if got := postForm(alice, tok, "Sec-Fetch-Site", "cross-site"); got != 403 {
		t.Errorf("cross-site post: %d, want 403", got)
	}
	if got := postForm(http.DefaultClient, tok); got != 403 {
		t.Errorf("post without the cookie: %d, want 403", got)
	}
	if got := postForm(alice, tok); got != 200 {
		t.Fatalf("valid post: %d, want 200", got)
	}
	if got := postForm(alice, tok); got != 403 {
		t.Errorf("replay after the flow moved on: %d, want 403", got)
	}
}

func TestPageHandler(t *testing.T) {
	set, err := templates.New(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := (&Pages{Templates: set, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Page(200, "not_configured", templates.Notice{Back: "/login"})
	tests := []struct {
		method, lang string
		status       int
		want         string
	}{
		{"GET", "", 200, "Self-service is not set up yet"},
		{"GET", "fr-CA", 200, "Le libre-service n’est pas encore configuré"},
		{"HEAD", "", 200, ""},
		{"POST", "", 405, "This action is not allowed here"},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(tt.method, "/.frontdoor/reset", nil)
		req.Header.Set("Accept-Language", tt.lang)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s %s: %d, want %d with %q", tt.method, tt.lang, rec.Code, tt.status, tt.want)
		}
		if tt.status == 405 && rec.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("405 without Allow")
		}
	}
}

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{errors.New("boom"), 500},
		{WithStatus(400, errors.New("bad input")), 400},
		{fmt.Errorf("handler: %w", WithStatus(429, nil)), 429},
		{fmt.Errorf("form: %w", ErrCSRF), 403},
		{fmt.Errorf("body: %w", &http.MaxBytesError{Limit: 10}), 413},
		{fmt.Errorf("ldap: %w", context.DeadlineExceeded), 503},
		{fmt.Errorf("flows: load: postgres: get flow: %w: %w", store.ErrUnavailable, io.ErrUnexpectedEOF), 503},
		{fmt.Errorf("flows: load: %w", store.ErrConflict), 500},
	}
	for _, tt := range tests {
		if got := StatusOf(tt.err); got != tt.want {
			t.Errorf("StatusOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestErrorWithoutMiddleware(t *testing.T) {
	// The proxy calls Error for upstream failures, possibly outside
	// RequestIDs: the page, header and log must still share one ID.
	set, err := templates.New(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	pages := &Pages{Templates: set, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	rec := httptest.NewRecorder()
	pages.Error(rec, httptest.NewRequest("GET", "/login", nil), http.StatusBadGateway, errors.New("dial tcp: refused"))
	id := rec.Header().Get(RequestIDHeader)
	if rec.Code != 502 || id == "" || !strings.Contains(rec.Body.String(), id) || !strings.Contains(logs.String(), id) {
		t.Errorf("status %d, id %q; page has it: %v; log: %s", rec.Code, id, strings.Contains(rec.Body.String(), id), logs.String())
	}
	if !strings.Contains(rec.Body.String(), "The service is temporarily unavailable") {
		t.Error("a 502 does not say the service is unavailable")
	}
	for name, want := range pageHeaders {
		if got := rec.Header().Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestRenderFailure(t *testing.T) {
	set, err := templates.New(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil).WithContext(WithRequestID(context.Background(), "rid-1"))
	(&Pages{Templates: set, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Render(rec, r, 200, "no_such_page", templates.View{})
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "rid-1") {
		t.Errorf("a page that fails to render gave %d %q", rec.Code, rec.Body.String())
	}
}

// TestErrorNamesThePartDown: a 503 or 502 that knows which part failed says
// so in the user's words and language, never the error's text.
func TestErrorNamesThePartDown(t *testing.T) {
	set, err := templates.New(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pages := &Pages{Templates: set, Logger: slog.New(slog.DiscardHandler)}
	tests := []struct {
		status     int
		err        error
		lang, want string
	}{
		{0, Down("directory", errors.New("ldap: cn=frontdoor refused")), "en", "The account directory, where user IDs and passwords are kept, is not answering."},
		{0, Down("directory", errors.New("ldap: cn=frontdoor refused")), "de", "Das Kontenverzeichnis"},
		{502, &StatusError{Status: 502, Err: errors.New("dial tcp"), Part: "sign_in"}, "en", "The sign-in page cannot be reached right now."},
		{502, &StatusError{Status: 502, Err: errors.New("dial tcp"), Part: "sign_in"}, "es", "No se puede acceder a la página de inicio de sesión"},
		{503, errors.New("deadline"), "en", "Part of this service is not answering right now."},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/.frontdoor/reset", nil)
		r.Header.Set("Accept-Language", tt.lang)
		pages.Error(rec, r, tt.status, tt.err)
		body := html.UnescapeString(rec.Body.String())
		if rec.Code < 502 || !strings.Contains(body, tt.want) {
			t.Errorf("%v in %s: %d, page lacks %q", tt.err, tt.lang, rec.Code, tt.want)
		}
		if strings.Contains(body, "cn=frontdoor") || strings.Contains(body, "dial tcp") {
			t.Errorf("%v: the page shows the error's text", tt.err)
		}
	}
}
