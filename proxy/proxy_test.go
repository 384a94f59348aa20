package proxy

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// upstream is a small sign-in service with the kinds of responses a real one sends.
func upstream(t testing.TB) *httptest.Server {
	t.Helper()
	large := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	mux := http.NewServeMux()
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		io.WriteString(w, `<html><body><form id="login-form"></form></body></html>`)
	})
	mux.HandleFunc("/api.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"method":%q,"query":%q}`, r.Method, r.URL.RawQuery)
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/login?next=%2Fhome", http.StatusFound)
	})
	mux.HandleFunc("/cookies", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "abc", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.SetCookie(w, &http.Cookie{Name: "csrf", Value: "xyz", Path: "/"})
		c, _ := r.Cookie("in")
		fmt.Fprintf(w, "in=%v", c)
	})
	mux.HandleFunc("/large", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(large)
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		for i := range 5 {
			fmt.Fprintf(w, "chunk %d\n", i)
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "text/plain")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, strings.Repeat("compressed ", 100))
		zw.Close()
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		fmt.Fprintf(w, "got %d bytes; xff=%q xfh=%q xfp=%q host=%q xri=%q cookie=%q", len(b), r.Header.Get("X-Forwarded-For"),
			r.Header.Get("X-Forwarded-Host"), r.Header.Get("X-Forwarded-Proto"), r.Host, r.Header.Get("X-Real-IP"), r.Header.Get("Cookie"))
	})
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		brw.Flush()
		line, _ := brw.ReadString('\n')
		brw.WriteString("echo: " + line)
		brw.Flush()
	})
	mux.HandleFunc("/status/", func(w http.ResponseWriter, r *http.Request) {
		var code int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/status/"), "%d", &code)
		w.WriteHeader(code)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

type testProxy struct {
	*Proxy
	srv     *httptest.Server
	own     []string
	classes []string
}

func newTestProxy(t testing.TB, up *httptest.Server, mutate func(*Options)) *testProxy {
	t.Helper()
	u, _ := url.Parse(up.URL)
	tp := &testProxy{}
	opt := Options{
		Upstream: u,
		Prefix:   "/.frontdoor/",
		Own: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tp.own = append(tp.own, r.URL.RequestURI())
			io.WriteString(w, "frontdoor page "+r.URL.Path)
		}),
		Intercept:   map[string][]string{"reset": {"/forgot-password", "/realms/{realm}/login-actions/reset-credentials"}},
		SignInPaths: []string{"/page.html"},
		InjectAfter: "#login-form",
		Snippet: func(r *http.Request, returnTo string) []byte {
			return []byte(`<a href="/.frontdoor/reset?return_to=` + url.QueryEscape(returnTo) + `">Forgot my password</a>`)
		},
		MaxBodyBytes: 1 << 20,
		ErrorPage: func(w http.ResponseWriter, r *http.Request, status int, err error) {
			w.WriteHeader(status)
			fmt.Fprintf(w, "frontdoor error %d", status)
		},
		Observe: func(class string, status int, _ time.Duration) { tp.classes = append(tp.classes, class) },
	}
	if mutate != nil {
		mutate(&opt)
	}
	p, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	tp.Proxy = p
	tp.srv = httptest.NewServer(p)
	t.Cleanup(tp.srv.Close)
	return tp
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{DisableCompression: true},
}

func fetch(t *testing.T, method, url string, body io.Reader, hdr http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// headersThatPass are the response headers compared between direct and proxied.
var headersThatPass = []string{"Content-Type", "Content-Length", "Content-Encoding", "Location", "Set-Cookie", "Etag", "Transfer-Encoding"}

func TestPassThroughIsIdenticalToDirect(t *testing.T) {
	up := upstream(t)
	p := newTestProxy(t, up, nil)
	for _, path := range []string{"/api.json?a=1&b=%2F", "/redirect", "/cookies", "/large", "/chunked", "/gzip", "/status/404", "/status/503", "/status/204"} {
		t.Run(path, func(t *testing.T) {
			hdr := http.Header{"Cookie": {"in=1"}, "Accept-Encoding": {"gzip"}}
			dr, db := fetch(t, "GET", up.URL+path, nil, hdr)
			pr, pb := fetch(t, "GET", p.srv.URL+path, nil, hdr)
			if dr.StatusCode != pr.StatusCode {
				t.Errorf("status direct %d, proxied %d", dr.StatusCode, pr.StatusCode)
			}
			if !bytes.Equal(db, pb) {
				t.Errorf("body differs: direct %d bytes, proxied %d bytes", len(db), len(pb))
			}
			for _, h := range headersThatPass {
				if d, g := dr.Header.Values(h), pr.Header.Values(h); fmt.Sprint(d) != fmt.Sprint(g) {
					t.Errorf("header %s: direct %q, proxied %q", h, d, g)
				}
			}
			if fmt.Sprint(dr.TransferEncoding) != fmt.Sprint(pr.TransferEncoding) {
				t.Errorf("transfer encoding: direct %v, proxied %v", dr.TransferEncoding, pr.TransferEncoding)
			}
		})
	}
}

func TestPostBodyAndLimit(t *testing.T) {
	p := newTestProxy(t, upstream(t), nil)
	_, b := fetch(t, "POST", p.srv.URL+"/echo", strings.NewReader(strings.Repeat("x", 1000)), nil)
	if !strings.HasPrefix(string(b), "got 1000 bytes") {
		t.Errorf("POST body not forwarded: %s", b)
	}
	resp, _ := fetch(t, "POST", p.srv.URL+"/echo", strings.NewReader(strings.Repeat("x", 2<<20)), nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("over-limit body: status %d, want 413", resp.StatusCode)
	}
	// Without a Content-Length the limit still holds while streaming.
	pr, pw := io.Pipe()
	go func() { pw.Write(bytes.Repeat([]byte("y"), 2<<20)); pw.Close() }()
	resp, b = fetch(t, "POST", p.srv.URL+"/echo", pr, nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge && !strings.Contains(string(b), "too large") {
		t.Errorf("chunked over-limit body: status %d body %.60s", resp.StatusCode, b)
	}
}

func TestForwardedHeadersOnlyFromTrustedProxies(t *testing.T) {
	up := upstream(t)
	spoof := http.Header{"X-Forwarded-For": {"6.6.6.6"}, "X-Forwarded-Host": {"evil.example"}, "X-Forwarded-Proto": {"https"}}

	spoof.Set("X-Real-IP", "6.6.6.6")
	untrusted := newTestProxy(t, up, nil)
	_, b := fetch(t, "GET", untrusted.srv.URL+"/echo", nil, spoof)
	if !strings.Contains(string(b), `xri="127.0.0.1"`) {
		t.Errorf("X-Real-IP is not the client address frontdoor believes: %s", b)
	}
	if strings.Contains(string(b), "6.6.6.6") || strings.Contains(string(b), "evil.example") || !strings.Contains(string(b), `xff="127.0.0.1"`) {
		t.Errorf("untrusted peer's forwarding headers passed on: %s", b)
	}
	trustedP := newTestProxy(t, up, func(o *Options) { o.TrustedProxies = []string{"127.0.0.0/8"} })
	_, b = fetch(t, "GET", trustedP.srv.URL+"/echo", nil, spoof)
	if !strings.Contains(string(b), `xff="6.6.6.6, 127.0.0.1"`) || !strings.Contains(string(b), `xfh="evil.example"`) || !strings.Contains(string(b), `xfp="https"`) {
		t.Errorf("trusted peer's forwarding headers lost: %s", b)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "127.0.0.1:5555"
	req.Header.Set("X-Forwarded-For", "1.2.3.4, 10.0.0.1, 127.0.0.2")
	tr, _ := parseTrusted([]string{"127.0.0.0/8", "10.0.0.0/8"})
	if got := tr.ClientIP(req).String(); got != "1.2.3.4" {
		t.Errorf("client IP %s, want right-most untrusted 1.2.3.4", got)
	}
	req.RemoteAddr = "9.9.9.9:1"
	if got := tr.ClientIP(req).String(); got != "9.9.9.9" {
		t.Errorf("client IP %s from an untrusted peer, want the peer", got)
	}
}

func TestNotAnOpenProxy(t *testing.T) {
	p := newTestProxy(t, upstream(t), nil)
	addr := strings.TrimPrefix(p.srv.URL, "http://")
	for _, raw := range []string{
		"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n",
		"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n",
		"TRACE / HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, raw)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 400 && resp.StatusCode != 405 {
			t.Errorf("%q: status %d, want refusal", strings.SplitN(raw, "\r\n", 2)[0], resp.StatusCode)
		}
	}
}

func TestWebSocketUpgradePassesThrough(t *testing.T) {
	p := newTestProxy(t, upstream(t), nil)
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	io.WriteString(conn, "hello\n")
	line, err := br.ReadString('\n')
	if err != nil || line != "echo: hello\n" {
		t.Errorf("tunnel: %q %v", line, err)
	}
}

func TestOwnPagesAndIntercepts(t *testing.T) {
	p := newTestProxy(t, upstream(t), nil)
	for path, want := range map[string]string{
		"/.frontdoor/reset?x=1":                        "/.frontdoor/reset?x=1",
		"/forgot-password?lang=fr":                     "/.frontdoor/reset?lang=fr",
		"/realms/acme/login-actions/reset-credentials": "/.frontdoor/reset",
	} {
		p.own = nil
		resp, _ := fetch(t, "GET", p.srv.URL+path, nil, nil)
		if resp.StatusCode != 200 || len(p.own) != 1 || p.own[0] != want {
			t.Errorf("%s: own handler saw %v, want %s", path, p.own, want)
		}
	}
	p.own = nil
	fetch(t, "GET", p.srv.URL+"/realms/acme/login-actions/authenticate", nil, nil)
	fetch(t, "GET", p.srv.URL+"/forgot-password-not", nil, nil)
	if len(p.own) != 0 {
		t.Errorf("non-intercepted paths reached frontdoor: %v", p.own)
	}
}

func TestUpstreamDownGivesBrandedError(t *testing.T) {
	up := upstream(t)
	p := newTestProxy(t, up, nil)
	up.Close()
	resp, b := fetch(t, "GET", p.srv.URL+"/api.json", nil, nil)
	if resp.StatusCode != http.StatusBadGateway || string(b) != "frontdoor error 502" {
		t.Errorf("upstream down: %d %q", resp.StatusCode, b)
	}
}

func TestOwnCookiesStayWithFrontdoor(t *testing.T) {
	p := newTestProxy(t, upstream(t), func(o *Options) { o.OwnCookies = []string{"frontdoor-csrf"} })
	_, b := fetch(t, "GET", p.srv.URL+"/echo", nil, http.Header{"Cookie": {"a=1; frontdoor-csrf=secret; b=2"}})
	if !strings.Contains(string(b), `cookie="a=1; b=2"`) {
		t.Errorf("upstream saw: %s", b)
	}
	_, b = fetch(t, "GET", p.srv.URL+"/echo", nil, http.Header{"Cookie": {"frontdoor-csrf=secret"}})
	if !strings.Contains(string(b), `cookie=""`) {
		t.Errorf("upstream saw: %s", b)
	}
}

// rawRequest sends raw bytes to the proxy and returns the status.
func rawRequest(t *testing.T, p *testProxy, raw string) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, raw)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestMalformedFramingRefused: duplicate Host headers and conflicting body
// lengths (request smuggling) never reach the upstream.
func TestMalformedFramingRefused(t *testing.T) {
	p := newTestProxy(t, upstream(t), nil)
	for name, raw := range map[string]string{
		"two Host headers":    "GET /echo HTTP/1.1\r\nHost: a.example\r\nHost: evil.example\r\n\r\n",
		"two Content-Lengths": "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
		"Host with user info": "GET /echo HTTP/1.1\r\nHost: sso.example.com:@evil.example\r\n\r\n",
	} {
		if status := rawRequest(t, p, raw); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, status)
		}
	}
	// Content-Length beside chunked: Go's server takes the chunked framing
	// and forwards the body re-framed, so the upstream sees exactly that body
	// and nothing left over to read as another request.
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /status/418 HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if !strings.HasPrefix(string(b), "got 3 bytes") {
		t.Errorf("smuggling attempt: upstream saw %q", b)
	}
}

// TestUpstreamCertificateVerified: an https upstream whose certificate the
// system does not trust is refused, not used.
func TestUpstreamCertificateVerified(t *testing.T) {
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "secret page") }))
	up.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	up.StartTLS()
	defer up.Close()
	u, _ := url.Parse(up.URL)
	p := newTestProxy(t, upstream(t), func(o *Options) { o.Upstream = u; o.Transport = nil })
	resp, b := fetch(t, "GET", p.srv.URL+"/", nil, nil)
	if resp.StatusCode != http.StatusBadGateway || strings.Contains(string(b), "secret page") {
		t.Errorf("untrusted upstream certificate: %d %q", resp.StatusCode, b)
	}
}
