package proxy

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// edgeUpstream answers with what a plain upstream rarely sends but a proxy
// must pass on right: early hints, trailers, hop-by-hop headers, streams,
// bodies cut short. It records each request as it arrived.
type edgeUpstream struct {
	srv  *httptest.Server
	mu   sync.Mutex
	last string
}

func newEdgeUpstream(t *testing.T) *edgeUpstream {
	e := &edgeUpstream{}
	mux := http.NewServeMux()
	mux.HandleFunc("/hints", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</app.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Set("Link", "</app.js>; rel=preload; as=script")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Del("Link")
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "after hints")
	})
	mux.HandleFunc("/trailers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Checksum")
		io.WriteString(w, "body with trailers")
		w.Header().Set("X-Checksum", "abc123")
		w.Header().Set(http.TrailerPrefix+"X-Late", "unannounced")
	})
	mux.HandleFunc("/announced", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Checksum")
		io.WriteString(w, "short")
		w.Header().Set("X-Checksum", "only announced")
	})
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Connection", "X-Secret, keep-alive")
		h.Set("X-Secret", "for the next hop only")
		h.Set("Keep-Alive", "timeout=5")
		h.Set("Proxy-Authenticate", "Basic")
		h.Set("Upgrade", "h2c")
		h.Set("X-Kept", "yes")
		io.WriteString(w, "hop")
	})
	mux.HandleFunc("/cut", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "only ten b")
		w.(http.Flusher).Flush()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	mux.HandleFunc("/hints-cut", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</app.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	mux.HandleFunc("/nocontent", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Kept", "yes")
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/notmodified", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Etag", `"v1"`)
		w.WriteHeader(http.StatusNotModified)
	})
	mux.HandleFunc("/switch", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusSwitchingProtocols)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Add("Cache-Control", "no-store")
		w.Header().Add("Cache-Control", "private")
		io.WriteString(w, "ok "+r.Method)
	})
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s %s host=%s close=%v te=%q\n", r.Method, r.RequestURI, r.Proto, r.Host, r.Close, r.TransferEncoding)
		r.Header.WriteSubset(&b, nil)
		fmt.Fprintf(&b, "body=%q", body)
		e.mu.Lock()
		e.last = b.String()
		e.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *edgeUpstream) received() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.last
	e.last = ""
	return s
}

// seen is what a client gets back, and what the upstream got, for one request.
type seen struct {
	upstream string
	hints    []string
	status   int
	header   http.Header
	body     string
	trailer  http.Header
	err      string
}

// TestForwardAsReverseProxy sends the same requests through forward and
// through httputil.ReverseProxy set up with the same hooks (p.upgrade), and
// compares what the upstream gets and what the client gets back.
func TestForwardAsReverseProxy(t *testing.T) {
	up := newEdgeUpstream(t)
	tp := newTestProxy(t, up.srv, func(o *Options) {
		o.HSTS = "max-age=31536000"
		o.OwnCookies = []string{"__Host-frontdoor"}
	})
	ours := httptest.NewServer(http.HandlerFunc(tp.forward))
	t.Cleanup(ours.Close)
	library := httptest.NewServer(tp.upgrade)
	t.Cleanup(library.Close)

	for _, tc := range []struct {
		name, method, target, body string
		header                     http.Header
	}{
		{name: "plain get", method: "GET", target: "/page?a=1&b=2"},
		{name: "head", method: "HEAD", target: "/page"},
		{name: "no user agent", method: "GET", target: "/", header: http.Header{"User-Agent": {""}}},
		{name: "user agent", method: "GET", target: "/", header: http.Header{"User-Agent": {"Mozilla/5.0"}}},
		{name: "hop-by-hop request headers", method: "GET", target: "/", header: http.Header{
			"Connection": {"X-Drop, keep-alive, Close"}, "X-Drop": {"secret"}, "Keep-Alive": {"timeout=5"},
			"Proxy-Authorization": {"Basic Zm9vOmJhcg=="}, "Proxy-Connection": {"keep-alive"}, "X-Stays": {"1"}}},
		{name: "te trailers", method: "GET", target: "/", header: http.Header{"Te": {"trailers, deflate"}}},
		{name: "te other", method: "GET", target: "/", header: http.Header{"Te": {"deflate"}}},
		{name: "client forwarding headers", method: "GET", target: "/", header: http.Header{
			"Forwarded": {"for=6.6.6.6"}, "X-Forwarded-For": {"6.6.6.6"}, "X-Forwarded-Host": {"evil.example"},
			"X-Forwarded-Proto": {"https"}, "X-Real-Ip": {"6.6.6.6"}}},
		{name: "connection names a forwarding header", method: "GET", target: "/", header: http.Header{"Connection": {"X-Forwarded-For, X-Real-IP"}}},
		{name: "semicolon query", method: "GET", target: "/?a=1;b=2&c=3"},
		{name: "broken escape", method: "GET", target: "/?a=%zz&b=2"},
		{name: "escape at end", method: "GET", target: "/?a=%4"},
		{name: "frontdoor cookie", method: "GET", target: "/", header: http.Header{"Cookie": {"a=1; __Host-frontdoor=xyz; b=2"}}},
		{name: "post", method: "POST", target: "/form", body: "user=alice&x=1", header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}},
		{name: "post empty", method: "POST", target: "/form"},
		{name: "expect continue", method: "POST", target: "/form", body: strings.Repeat("x", 4096), header: http.Header{"Expect": {"100-continue"}}},
		{name: "early hints", method: "GET", target: "/hints"},
		{name: "trailers", method: "GET", target: "/trailers"},
		{name: "announced trailers", method: "GET", target: "/announced"},
		{name: "hop-by-hop response headers", method: "GET", target: "/hop"},
		{name: "body cut short", method: "GET", target: "/cut"},
		{name: "switch without upgrade", method: "GET", target: "/switch"},
		{name: "upgrade header without connection upgrade", method: "GET", target: "/", header: http.Header{"Upgrade": {"websocket"}}},
		{name: "connection close", method: "GET", target: "/", header: http.Header{"Connection": {"close"}, "Close": {"c"}}},
		{name: "early hints then cut", method: "GET", target: "/hints-cut"},
		{name: "no content", method: "GET", target: "/nocontent"},
		{name: "not modified", method: "GET", target: "/notmodified", header: http.Header{"If-None-Match": {`"v1"`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := through(t, library.URL, up, tc.method, tc.target, tc.body, tc.header)
			got := through(t, ours.URL, up, tc.method, tc.target, tc.body, tc.header)
			if got.upstream == "" && tc.target != "/switch" {
				t.Fatalf("the upstream got nothing: %+v", got)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("forward:\n%+v\nhttputil.ReverseProxy:\n%+v", got, want)
			}
		})
	}
}

// through sends one request to the proxy at base and returns what was seen.
func through(t *testing.T, base string, up *edgeUpstream, method, target, body string, header http.Header) seen {
	t.Helper()
	var s seen
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+target, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "sso.example" // the same X-Forwarded-Host through both proxies
	for k, v := range header {
		req.Header[k] = v
	}
	var mu sync.Mutex
	trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
		if code == http.StatusContinue {
			return nil // the client's server may send its own as well, racing the upstream's
		}
		mu.Lock()
		defer mu.Unlock()
		s.hints = append(s.hints, fmt.Sprintf("%d %v", code, h))
		return nil
	}}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, ExpectContinueTimeout: time.Second}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		s.err = strings.ReplaceAll(err.Error(), base, "")
		s.upstream = up.received()
		return s
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		s.err = err.Error()
	}
	s.status, s.body, s.trailer = resp.StatusCode, string(b), resp.Trailer
	s.header = resp.Header.Clone()
	s.header.Del("Date")
	s.upstream = up.received()
	mu.Lock()
	defer mu.Unlock()
	return s
}

// heldStream is a proxy in front of an upstream that sets header, writes
// first and flushes, then holds its answer until release is called (or 5 s
// have passed) and ends it with a last event.
func heldStream(t *testing.T, header http.Header, first string) (tp *testProxy, release func()) {
	t.Helper()
	held := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		maps.Copy(w.Header(), header)
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, first)
		w.(http.Flusher).Flush()
		select {
		case <-held:
		case <-time.After(5 * time.Second):
		}
		io.WriteString(w, "data: last\n\n")
	}))
	t.Cleanup(up.Close)
	return newTestProxy(t, up, nil), sync.OnceFunc(func() { close(held) })
}

// TestForwardStreams checks that a streamed answer reaches the client as it
// is written: the upstream ends its answer only once the client has its
// headers, and its first event when it sends one.
func TestForwardStreams(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header http.Header
		first  string
	}{
		{"event stream", http.Header{"Content-Type": {"text/event-stream"}}, "data: one\n\n"},
		{"event stream, parameters", http.Header{"Content-Type": {"Text/Event-Stream; charset=utf-8"}}, "data: one\n\n"},
		{"no length", nil, "data: one\n\n"},
		// An event stream of known length still goes out event by event.
		{"event stream with a length", http.Header{"Content-Type": {"text/event-stream"}, "Content-Length": {"23"}}, "data: one\n\n"},
		{"headers before any event", http.Header{"Content-Type": {"text/event-stream"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tp, release := heldStream(t, tc.header, tc.first)
			defer release()
			start := time.Now()
			resp, err := http.Get(tp.srv.URL + "/events")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			br := bufio.NewReader(resp.Body)
			if tc.first != "" {
				if line, err := br.ReadString('\n'); err != nil || line != "data: one\n" {
					t.Fatalf("first event: %q %v", line, err)
				}
			}
			if waited := time.Since(start); waited > 4*time.Second {
				t.Errorf("the client waited %v, past the upstream's hold: not flushed", waited)
			}
			release()
			rest, _ := io.ReadAll(br)
			if want := strings.TrimPrefix(tc.first+"data: last\n\n", "data: one\n"); string(rest) != want {
				t.Errorf("rest %q, want %q", rest, want)
			}
		})
	}
}

// TestForwardCutBodyBreaksTheClients checks that an answer the upstream
// breaks off reaches the client broken off, never as a shorter whole one.
func TestForwardCutBodyBreaksTheClients(t *testing.T) {
	for _, length := range []bool{true, false} {
		t.Run(fmt.Sprintf("content-length %v", length), func(t *testing.T) {
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if length {
					w.Header().Set("Content-Length", "100")
				}
				io.WriteString(w, "only ten b")
				w.(http.Flusher).Flush()
				conn, _, _ := http.NewResponseController(w).Hijack()
				conn.Close()
			}))
			t.Cleanup(up.Close)
			tp := newTestProxy(t, up, nil)
			conn, err := net.Dial("tcp", tp.srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			io.WriteString(conn, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
			raw, _ := io.ReadAll(conn)
			resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
			if err != nil {
				return // nothing went out before the cut: no answer at all
			}
			if body, err := io.ReadAll(resp.Body); err == nil {
				t.Errorf("the client read a whole answer of %q: %q", body, raw)
			}
		})
	}
}

// TestForwardKeepsOwnHeaders checks that headers frontdoor set on the answer
// before forwarding (the request ID) stay, early hints or not, and the
// upstream's are added.
func TestForwardKeepsOwnHeaders(t *testing.T) {
	up := newEdgeUpstream(t)
	tp := newTestProxy(t, up.srv, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "abc")
		w.Header().Set("Cache-Control", "frontdoor")
		tp.forward(w, r)
	}))
	t.Cleanup(srv.Close)
	resp, _ := fetch(t, "GET", srv.URL+"/", nil, nil)
	if got := resp.Header.Get("X-Request-Id"); got != "abc" {
		t.Errorf("X-Request-Id %q", got)
	}
	// Early hints carry the upstream's headers; the final answer still has
	// frontdoor's, and no hint's.
	var hints []string
	req, _ := http.NewRequest("GET", srv.URL+"/hints", nil)
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
		hints = append(hints, fmt.Sprintf("%d %v", code, h))
		return nil
	}}))
	hinted, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	hinted.Body.Close()
	if got := hinted.Header.Get("X-Request-Id"); got != "abc" || hinted.Header.Get("Link") != "" {
		t.Errorf("after early hints: X-Request-Id %q, Link %q", got, hinted.Header.Get("Link"))
	}
	if len(hints) != 2 || strings.Contains(strings.Join(hints, " "), "abc") {
		t.Errorf("hints %q: want the upstream's two, with its headers alone", hints)
	}
	got := resp.Header.Values("Cache-Control")
	sort.Strings(got)
	if want := []string{"frontdoor", "no-store", "private"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Cache-Control %q, want %q", got, want)
	}
}

// TestForwardCountsFinalStatus checks that metrics see the final status of
// an answer that came after early hints, not the hint's.
func TestForwardCountsFinalStatus(t *testing.T) {
	up := newEdgeUpstream(t)
	var statuses []int
	tp := newTestProxy(t, up.srv, func(o *Options) {
		o.Observe = func(_ string, status int, _ time.Duration) { statuses = append(statuses, status) }
	})
	fetch(t, "GET", tp.srv.URL+"/hints", nil, nil)
	if len(statuses) != 1 || statuses[0] != http.StatusOK {
		t.Errorf("observed %v, want [200]", statuses)
	}
}
