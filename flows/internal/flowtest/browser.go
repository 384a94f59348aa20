package flowtest

import (
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Browser is a client with a cookie jar that follows redirects, as a browser
// does; its requests go straight to the Env's handler, in process.
type Browser struct {
	t testing.TB
	c *http.Client
	h http.Handler
	// IP is the client address the flows see.
	IP string
}

// Browser returns a new browser at client address 192.0.2.1.
func (e *Env) Browser() *Browser {
	jar, _ := cookiejar.New(nil)
	b := &Browser{t: e.t, IP: "192.0.2.1", h: e.Handler}
	b.c = &http.Client{Jar: jar, Transport: inProcess{b}}
	return b
}

// Via sends the browser's next requests to e (a Replica), keeping its
// cookies.
func (b *Browser) Via(e *Env) { b.h = e.Handler }

// inProcess is a RoundTripper that serves requests with the browser's
// handler.
type inProcess struct{ b *Browser }

func (p inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.RequestURI = req.URL.RequestURI()
	r.RemoteAddr = net.JoinHostPort(p.b.IP, "40000")
	r.Host = req.URL.Host
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	p.b.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// Page is a response as the browser ends up with it.
type Page struct {
	Status int
	URL    *url.URL
	Header http.Header
	Body   string
}

// Get fetches path (under PublicURL) and follows redirects.
func (b *Browser) Get(path string) Page {
	b.t.Helper()
	return b.do(http.NewRequest(http.MethodGet, PublicURL+path, nil))
}

// Post sends form to path as it is, with no CSRF token added.
func (b *Browser) Post(path string, form url.Values) Page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, PublicURL+path, strings.NewReader(form.Encode()))
	if err == nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return b.do(req, err)
}

// Submit posts the form of from whose action is Prefix+action, with its
// CSRF token and the fields given as name, value pairs.
func (b *Browser) Submit(from Page, action string, fields ...string) Page {
	b.t.Helper()
	if !from.HasForm(action) {
		b.t.Fatalf("%s: no form posts to %s\n%s", from.URL, action, from.Body)
	}
	form := url.Values{"csrf_token": {from.CSRF(b.t)}}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Add(fields[i], fields[i+1])
	}
	return b.Post(Prefix+action, form)
}

func (b *Browser) do(req *http.Request, err error) Page {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept-Language", "en")
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return Page{Status: resp.StatusCode, URL: resp.Request.URL, Header: resp.Header, Body: string(body)}
}

// NoRedirects makes the browser stop at redirects, to see them.
func (b *Browser) NoRedirects() {
	b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
}

// Cookie returns the value of the browser's cookie name for the flows'
// pages, or "".
func (b *Browser) Cookie(name string) string {
	u, _ := url.Parse(PublicURL + Prefix)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// SetCookie sets the browser's cookie name for the flows' pages.
func (b *Browser) SetCookie(name, value string) {
	u, _ := url.Parse(PublicURL + Prefix)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

var (
	csrfRE   = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	actionRE = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
)

// CSRF returns the page's CSRF token.
func (p Page) CSRF(t testing.TB) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("%s: no CSRF token in the page\n%s", p.URL, p.Body)
	}
	return m[1]
}

// HasForm tells whether the page has a form posting to Prefix+action.
func (p Page) HasForm(action string) bool {
	for _, m := range actionRE.FindAllStringSubmatch(p.Body, -1) {
		if html.UnescapeString(m[1]) == Prefix+action {
			return true
		}
	}
	return false
}
