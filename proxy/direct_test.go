package proxy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// rawUpstream is an upstream that writes its answers byte by byte, as a
// test spells them, and counts the connections it accepted.
type rawUpstream struct {
	url   *url.URL
	conns atomic.Int32
}

// newRawUpstream serves each connection with serve, which reads the
// requests from br and answers on c.
func newRawUpstream(t *testing.T, serve func(c net.Conn, br *bufio.Reader)) *rawUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	u := &rawUpstream{url: &url.URL{Scheme: "http", Host: ln.Addr().String()}}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u.conns.Add(1)
			go func() {
				defer c.Close()
				serve(c, bufio.NewReader(c))
			}()
		}
	}()
	return u
}

// answerEach reads requests from br and writes answer for each, until the
// client closes the connection.
func answerEach(answer string) func(net.Conn, *bufio.Reader) {
	return func(c net.Conn, br *bufio.Reader) {
		for {
			if _, err := http.ReadRequest(br); err != nil {
				return
			}
			if _, err := io.WriteString(c, answer); err != nil {
				return
			}
		}
	}
}

func testDirect(t *testing.T, u *url.URL, timeout time.Duration) *direct {
	t.Helper()
	if !directPeeks {
		t.Skip("direct is not used where idle connections cannot be looked at")
	}
	d := newDirect(NewTransport(timeout), u, timeout)
	t.Cleanup(d.CloseIdleConnections)
	return d
}

// getEach sends n GETs of path in a row, each of which must answer want.
func getEach(t *testing.T, rt http.RoundTripper, u *url.URL, path string, n int, want string) {
	t.Helper()
	for i := range n {
		if _, body, err := get(t, rt, u, path); err != nil || body != want {
			t.Fatalf("request %d: got %q, %v; want %q", i, body, err, want)
		}
	}
}

func get(t *testing.T, rt http.RoundTripper, u *url.URL, path string) (*http.Response, string, error) {
	t.Helper()
	req, _ := http.NewRequest("GET", u.String()+path, nil)
	res, err := rt.RoundTrip(req)
	if err != nil {
		return nil, "", err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b), err
}

// TestDirectAsTransport sends the same requests through direct and through
// http.Transport, and compares what comes back: status, headers, body,
// trailers and 1xx answers.
func TestDirectAsTransport(t *testing.T) {
	answers := map[string]string{
		"/length":  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nX-A: 2\r\n\r\nhello",
		"/chunked": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 42\r\n\r\n",
		"/hints":   "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"/empty":   "HTTP/1.1 204 No Content\r\nX-B: b\r\n\r\n",
		"/cached":  "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n",
		"/close":   "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye",
		"/eof":     "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
		"/old":     "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nv0",
		"/head":    "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n",
	}
	up := newRawUpstream(t, func(c net.Conn, br *bufio.Reader) {
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			io.WriteString(c, answers[req.URL.Path])
			if req.URL.Path == "/eof" || req.URL.Path == "/close" || req.URL.Path == "/old" {
				return
			}
		}
	})
	type result struct {
		status  int
		header  http.Header
		body    string
		trailer http.Header
		hints   []string
	}
	do := func(rt http.RoundTripper, method, path string) result {
		var r result
		trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			r.hints = append(r.hints, fmt.Sprint(code, h))
			return nil
		}}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), method, up.url.String()+path, nil)
		req.Header.Set("User-Agent", "")
		res, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("%s %s: body: %v", method, path, err)
		}
		res.Body.Close()
		r.status, r.header, r.body, r.trailer = res.StatusCode, res.Header, string(b), res.Trailer
		return r
	}
	d, tr := testDirect(t, up.url, 0), NewTransport(0)
	defer tr.CloseIdleConnections()
	for _, c := range []struct{ method, path string }{
		{"GET", "/length"}, {"GET", "/chunked"}, {"GET", "/hints"}, {"GET", "/empty"}, {"GET", "/cached"},
		{"GET", "/close"}, {"GET", "/eof"}, {"GET", "/old"}, {"HEAD", "/head"}, {"GET", "/length"},
	} {
		want, got := do(tr, c.method, c.path), do(d, c.method, c.path)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s %s:\ndirect    %v\ntransport %v", c.method, c.path, got, want)
		}
	}
}

// TestDirectKeepsConnections: answers read to their end leave the
// connection for the next request; one closed early, or with bytes after
// it, does not.
func TestDirectKeepsConnections(t *testing.T) {
	up := newRawUpstream(t, answerEach("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"))
	d := testDirect(t, up.url, 0)
	getEach(t, d, up.url, "/", 20, "0123456789")
	if n := up.conns.Load(); n != 1 {
		t.Fatalf("20 requests in a row took %d connections, want 1", n)
	}

	// The rest of the body comes later, so it is not in the buffer when the
	// body is closed.
	tail := newRawUpstream(t, func(c net.Conn, br *bufio.Reader) {
		for {
			if _, err := http.ReadRequest(br); err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n012")
			time.Sleep(20 * time.Millisecond)
			io.WriteString(c, "3456789")
		}
	})
	dt := testDirect(t, tail.url, 0)
	req, _ := http.NewRequest("GET", tail.url.String()+"/", nil)
	res, err := dt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadFull(res.Body, make([]byte, 3))
	res.Body.Close() // 7 bytes to come
	if _, body, err := get(t, dt, tail.url, "/"); err != nil || body != "0123456789" {
		t.Fatalf("after a body closed early: got %q, %v", body, err)
	}
	if n := tail.conns.Load(); n != 2 {
		t.Fatalf("a body closed early left its connection for the next request (%d connections)", n)
	}
	if _, err := res.Body.Read(make([]byte, 1)); err == nil {
		t.Fatal("a closed body could still be read")
	}

	// An answer that says Connection: close ends its connection, even when
	// the upstream would go on.
	closing := newRawUpstream(t, answerEach("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"))
	dc := testDirect(t, closing.url, 0)
	getEach(t, dc, closing.url, "/", 2, "ok")
	if n := closing.conns.Load(); n != 2 {
		t.Fatalf("a connection the upstream closed with its answer was used again (%d connections for 2 requests)", n)
	}

	extra := newRawUpstream(t, answerEach("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale"))
	d2 := testDirect(t, extra.url, 0)
	getEach(t, d2, extra.url, "/", 3, "ok") // not the answer nobody asked for
	if n := extra.conns.Load(); n != 3 {
		t.Fatalf("a connection with bytes past its answer was kept (%d connections for 3 requests)", n)
	}
}

// TestDirectRetriesClosedIdleConnection: an upstream that closes a kept
// connection as the next request comes in, before any byte of an answer,
// costs that request a second connection, not an error. Nothing else is
// sent twice: not a request that failed on a new connection, nor one that
// got part of an answer, nor one that timed out.
func TestDirectRetriesClosedIdleConnection(t *testing.T) {
	var requests atomic.Int32
	// Each connection answers its first request, and closes on the second.
	up := newRawUpstream(t, func(c net.Conn, br *bufio.Reader) {
		if _, err := http.ReadRequest(br); err != nil {
			return
		}
		requests.Add(1)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		if _, err := http.ReadRequest(br); err == nil {
			requests.Add(1)
		}
	})
	d := testDirect(t, up.url, 0)
	getEach(t, d, up.url, "/", 5, "ok")
	if n := up.conns.Load(); n != 5 {
		t.Fatalf("5 requests, 4 of them sent again: %d connections, want 5", n)
	}

	for name, second := range map[string]string{
		"no answer on a new connection": "",
		"part of an answer":             "HTTP/1.1 200 OK\r\nContent-Le",
		"no answer in time":             "stall",
	} {
		requests.Store(0)
		up := newRawUpstream(t, func(c net.Conn, br *bufio.Reader) {
			for i := 0; ; i++ {
				if _, err := http.ReadRequest(br); err != nil {
					return
				}
				requests.Add(1)
				switch {
				case second == "":
					return // closes, answering nothing
				case i == 0:
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				case second == "stall":
					io.Copy(io.Discard, br)
					return
				default:
					io.WriteString(c, second)
					return
				}
			}
		})
		d := testDirect(t, up.url, 200*time.Millisecond)
		want := int32(1)
		if second != "" {
			if _, _, err := get(t, d, up.url, "/"); err != nil {
				t.Fatalf("%s: first request: %v", name, err)
			}
			want = 2
		}
		if _, _, err := get(t, d, up.url, "/"); err == nil {
			t.Errorf("%s: the request succeeded", name)
		}
		if n := requests.Load(); n != want {
			t.Errorf("%s: the upstream got %d requests, want %d: one was sent twice", name, n, want)
		}
		d.CloseIdleConnections()
	}
}

// TestDirectTimeout: an upstream that sends no answer within the timeout
// fails the request with context.DeadlineExceeded (frontdoor's 504), and
// the proxy answers 504 for a request direct sends and for one it hands on.
func TestDirectTimeout(t *testing.T) {
	up := newRawUpstream(t, func(c net.Conn, br *bufio.Reader) {
		http.ReadRequest(br)
		io.Copy(io.Discard, br) // reads on, answers never
	})
	d := testDirect(t, up.url, 100*time.Millisecond)
	if _, _, err := get(t, d, up.url, "/"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want a deadline exceeded", err)
	}
	tp := newTestProxy(t, httptest.NewUnstartedServer(nil), func(o *Options) { o.Upstream = up.url; o.Timeout = 100 * time.Millisecond })
	for _, method := range []string{"GET", "POST"} {
		var reqBody io.Reader // a GET without a body goes by direct
		if method == "POST" {
			reqBody = strings.NewReader("a=b") // and a POST by http.Transport
		}
		resp, body := fetch(t, method, tp.srv.URL+"/slow", reqBody, nil)
		if resp.StatusCode != http.StatusGatewayTimeout {
			t.Errorf("%s to a silent upstream: %d %q, want 504", method, resp.StatusCode, body)
		}
	}
}

// TestDirectClientGone: the request's context ending stops a round trip
// that waits for the header, and a body that waits for bytes, and the
// connection is not kept.
func TestDirectClientGone(t *testing.T) {
	release := make(chan struct{})
	up := newRawUpstream(t, func(c net.Conn, br *bufio.Reader) {
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			switch req.URL.Path {
			case "/silent":
				<-release
				return
			case "/stalls":
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234")
				<-release
				return
			default:
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			}
		}
	})
	defer close(release)
	d := testDirect(t, up.url, 5*time.Second) // a deadline set, and lifted after the header

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", up.url.String()+"/silent", nil)
	done := make(chan error, 1)
	go func() { _, err := d.RoundTrip(req); done <- err }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := within(t, done); !errors.Is(err, context.Canceled) {
		t.Fatalf("waiting for the header: got %v, want context.Canceled", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	req, _ = http.NewRequestWithContext(ctx, "GET", up.url.String()+"/stalls", nil)
	res, err := d.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	go func() { _, err := io.ReadAll(res.Body); done <- err }()
	if err := within(t, done); !errors.Is(err, context.Canceled) {
		t.Fatalf("reading a stalled body: got %v, want context.Canceled", err)
	}
	res.Body.Close()
	before := up.conns.Load()
	if _, body, err := get(t, d, up.url, "/"); err != nil || body != "ok" {
		t.Fatalf("got %q, %v", body, err)
	}
	if up.conns.Load() != before+1 {
		t.Fatal("a connection cut by its request's context was used again")
	}

	// The context ends after the whole answer came in, before it is read.
	ctx, cancel = context.WithCancel(context.Background())
	req, _ = http.NewRequestWithContext(ctx, "GET", up.url.String()+"/", nil)
	if res, err = d.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	cancel()
	time.Sleep(20 * time.Millisecond)
	if b, err := io.ReadAll(res.Body); err != nil || string(b) != "ok" {
		t.Fatalf("an answer read whole before its context ended: %q, %v", b, err)
	}
	res.Body.Close()
	before = up.conns.Load()
	getEach(t, d, up.url, "/", 2, "ok")
	if up.conns.Load() != before+1 {
		t.Fatal("a connection whose context ended was used again")
	}
}

// TestDirectHeaderLimit: an answer's header past the limit fails the
// request, however many 1xx answers come before it.
func TestDirectHeaderLimit(t *testing.T) {
	long := "HTTP/1.1 200 OK\r\nX-Long: " + strings.Repeat("a", 64<<10) + "\r\nContent-Length: 0\r\n\r\n"
	hints := strings.Repeat("HTTP/1.1 103 Early Hints\r\nLink: "+strings.Repeat("b", 1<<10)+"\r\n\r\n", 100) + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
	for name, answer := range map[string]string{"one long header": long, "1xx answers nobody takes": hints} {
		up := newRawUpstream(t, answerEach(answer))
		d := testDirect(t, up.url, 0)
		d.maxHeader = 32 << 10
		if _, _, err := get(t, d, up.url, "/"); !errors.Is(err, errDirectHeader) {
			t.Errorf("%s: got %v, want the header limit", name, err)
		}
		d.CloseIdleConnections()
	}

	// 1xx answers a trace hook takes start the limit over, as
	// http.Transport has it: the hook sees each.
	up := newRawUpstream(t, answerEach(hints))
	d := testDirect(t, up.url, 0)
	d.maxHeader = 32 << 10
	var taken int
	trace := &httptrace.ClientTrace{Got1xxResponse: func(int, textproto.MIMEHeader) error { taken++; return nil }}
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", up.url.String()+"/", nil)
	res, err := d.RoundTrip(req)
	if err != nil || taken != 100 {
		t.Fatalf("100 early hints, each taken: got %d, %v", taken, err)
	}
	res.Body.Close()
}

// TestDirectIdleConnectionsClosed: connections idle for IdleConnTimeout
// are closed, and CloseIdleConnections closes the rest.
func TestDirectIdleConnectionsClosed(t *testing.T) {
	closed := make(chan struct{}, 4)
	up := newRawUpstream(t, func(c net.Conn, br *bufio.Reader) {
		answerEach("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")(c, br)
		closed <- struct{}{}
	})
	d := testDirect(t, up.url, 0)
	d.next.IdleConnTimeout = 100 * time.Millisecond
	if _, _, err := get(t, d, up.url, "/"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("an idle connection was not closed after IdleConnTimeout")
	}
	d = testDirect(t, up.url, 0)
	if _, _, err := get(t, d, up.url, "/"); err != nil {
		t.Fatal(err)
	}
	d.CloseIdleConnections()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("CloseIdleConnections left a connection open")
	}
}

// TestDirectTakes: direct sends GET and HEAD without a body to its own
// plain-http upstream; anything else goes to http.Transport.
func TestDirectTakes(t *testing.T) {
	u, _ := url.Parse("http://upstream.test:8080")
	d := testDirect(t, u, 0)
	req := func(method, target string, body io.Reader, h ...string) *http.Request {
		r, _ := http.NewRequest(method, target, body)
		for i := 0; i+1 < len(h); i += 2 {
			r.Header.Set(h[i], h[i+1])
		}
		return r
	}
	for _, c := range []struct {
		r    *http.Request
		want bool
	}{
		{req("GET", "http://upstream.test:8080/a", nil), true},
		{req("HEAD", "http://upstream.test:8080/a", nil), true},
		{req("GET", "http://upstream.test:8080/a", http.NoBody), true},
		{req("POST", "http://upstream.test:8080/a", strings.NewReader("x")), false},
		{req("POST", "http://upstream.test:8080/a", nil), false},
		{req("GET", "http://upstream.test:8080/a", strings.NewReader("x")), false},
		{req("GET", "https://upstream.test:8080/a", nil), false},
		{req("GET", "http://other.test:8080/a", nil), false},
		{req("GET", "http://upstream.test:8080/ws", nil, "Upgrade", "websocket", "Connection", "Upgrade"), false},
	} {
		if got := d.takes(c.r); got != c.want {
			t.Errorf("%s %s (body %v, upgrade %q): takes %v, want %v", c.r.Method, c.r.URL, c.r.Body != nil, c.r.Header.Get("Upgrade"), got, c.want)
		}
	}
	if d.addr != "upstream.test:8080" {
		t.Errorf("dials %q", d.addr)
	}
	u, _ = url.Parse("http://upstream.test")
	if d := testDirect(t, u, 0); d.addr != "upstream.test:80" {
		t.Errorf("an upstream without a port: dials %q, want upstream.test:80", d.addr)
	}
}

// TestDirectRefusesBadHeader: a header value with a line break is refused
// before anything is sent.
func TestDirectRefusesBadHeader(t *testing.T) {
	up := newRawUpstream(t, answerEach("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	d := testDirect(t, up.url, 0)
	req, _ := http.NewRequest("GET", up.url.String()+"/", nil)
	req.Header["X-Split"] = []string{"a\r\nX-Injected: b"}
	if _, err := d.RoundTrip(req); err == nil {
		t.Fatal("a header value with CRLF was sent")
	}
	if up.conns.Load() != 0 {
		t.Fatal("a refused request opened a connection")
	}
}

// TestDirectSkipsStaleConnection: an idle connection on which the upstream
// sent an answer nobody asked for (a 408 before closing, as some servers
// do) is not used: the next request gets its own answer.
func TestDirectSkipsStaleConnection(t *testing.T) {
	sent := make(chan struct{}, 1)
	up := newRawUpstream(t, func(c net.Conn, br *bufio.Reader) {
		for {
			if _, err := http.ReadRequest(br); err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			time.Sleep(20 * time.Millisecond)
			io.WriteString(c, "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n")
			sent <- struct{}{}
		}
	})
	d := testDirect(t, up.url, 0)
	for i := range 3 {
		if _, body, err := get(t, d, up.url, "/"); err != nil || body != "ok" {
			t.Fatalf("request %d: got %q, %v", i, body, err)
		}
		<-sent
		time.Sleep(20 * time.Millisecond) // the 408 reaches the idle connection
	}
	if n := up.conns.Load(); n != 3 {
		t.Fatalf("%d connections for 3 requests", n)
	}
}

// TestDirectWritesAsTransport: the upstream gets the same bytes from direct
// as from http.Transport, request line and headers, for the requests
// forward sends.
func TestDirectWritesAsTransport(t *testing.T) {
	got := make(chan string, 1)
	up := newRawUpstream(t, func(c net.Conn, br *bufio.Reader) {
		for {
			var head strings.Builder
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				head.WriteString(line)
				if line == "\r\n" {
					break
				}
			}
			got <- head.String()
			io.WriteString(c, "HTTP/1.1 204 No Content\r\n\r\n")
		}
	})
	d, tr := testDirect(t, up.url, 0), NewTransport(0)
	defer tr.CloseIdleConnections()
	for _, c := range []struct {
		method, host string
		header       http.Header
	}{
		{"GET", "", http.Header{"User-Agent": {""}, "X-Forwarded-For": {"192.0.2.1"}, "Cookie": {"a=1; b=2"}}},
		{"GET", "sso.example.com", http.Header{"User-Agent": {"Mozilla/5.0"}, "Accept": {"text/html", "application/xhtml+xml"}}},
		{"GET", "", http.Header{}}, // Go's own User-Agent, from both
		{"HEAD", "", http.Header{"User-Agent": {""}}},
	} {
		send := func(rt http.RoundTripper) string {
			req, _ := http.NewRequest(c.method, up.url.String()+"/p?q=1&r=%2F", nil)
			req.Host, req.Header = c.host, c.header.Clone()
			res, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return <-got
		}
		if a, b := send(d), send(tr); a != b {
			t.Errorf("%s %v:\ndirect wrote:\n%s\nhttp.Transport wrote:\n%s", c.method, c.header, a, b)
		}
	}
}

// TestDirectHookError: a 1xx hook that fails fails the round trip.
func TestDirectHookError(t *testing.T) {
	up := newRawUpstream(t, answerEach("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	d := testDirect(t, up.url, 0)
	refused := errors.New("no hints wanted")
	trace := &httptrace.ClientTrace{Got1xxResponse: func(int, textproto.MIMEHeader) error { return refused }}
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", up.url.String()+"/", nil)
	if _, err := d.RoundTrip(req); !errors.Is(err, refused) {
		t.Fatalf("got %v, want the hook's error", err)
	}
}

// TestDirectCloseDuringRead: closing a body from another goroutine ends a
// read that waits on the upstream (run with -race).
func TestDirectCloseDuringRead(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	up := newRawUpstream(t, func(c net.Conn, br *bufio.Reader) {
		http.ReadRequest(br)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01")
		<-release
	})
	d := testDirect(t, up.url, 0)
	req, _ := http.NewRequest("GET", up.url.String()+"/", nil)
	res, err := d.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	read := make(chan error, 1)
	go func() { _, err := io.ReadAll(res.Body); read <- err }()
	time.Sleep(20 * time.Millisecond)
	res.Body.Close()
	if err := within(t, read); err == nil {
		t.Fatal("a read cut by Close reported the whole body")
	}
}

// within waits for an error from ch, failing the test if none comes in 10
// seconds: what it waits for is meant to end at once.
func within(t *testing.T, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting after 10 s")
		return nil
	}
}
