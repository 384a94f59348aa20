package proxy

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// guard bounds every read of these tests, so that a connection wrongly kept
// open fails the test instead of hanging it; it is never what is asserted.
const guard = 10 * time.Second

// dialProxy opens a raw connection to the proxy.
func dialProxy(t *testing.T, p *testProxy) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetReadDeadline(time.Now().Add(guard))
	return conn, bufio.NewReader(conn)
}

// closedAfter tells whether the server closed the connection once the
// response in br was read: the next read ends the stream instead of
// yielding another response.
func closedAfter(t *testing.T, br *bufio.Reader) bool {
	t.Helper()
	_, err := br.Peek(1)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return false
	}
	return err != nil
}

// TestChunkedWithContentLengthClosesConnection: a request framed both by
// Content-Length and chunked Transfer-Encoding is answered once, then the
// connection is closed (RFC 9112, 6.1), so the bytes a Content-Length-framing
// edge took for its body are never read as a second request.
func TestChunkedWithContentLengthClosesConnection(t *testing.T) {
	p := newTestProxy(t, upstream(t), nil)
	conn, br := dialProxy(t, p)
	io.WriteString(conn, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n"+
		"3\r\nabc\r\n0\r\n\r\nGET /status/418 HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if !strings.HasPrefix(string(b), "got 3 bytes") {
		t.Errorf("upstream saw %q", b)
	}
	if !closedAfter(t, br) {
		t.Error("connection kept open after a request with Content-Length and Transfer-Encoding")
	}
	// The same with Expect: 100-continue: the upstream's 100 Continue,
	// passed on, does not take the close away.
	conn, br = dialProxy(t, p)
	io.WriteString(conn, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"+
		"3\r\nabc\r\n0\r\n\r\nGET /status/418 HTTP/1.1\r\nHost: x\r\n\r\n")
	for resp, err = http.ReadResponse(br, nil); err == nil && resp.StatusCode < 200; resp, err = http.ReadResponse(br, nil) {
	}
	if err != nil {
		t.Fatal(err)
	}
	if b, _ = io.ReadAll(resp.Body); !strings.HasPrefix(string(b), "got 3 bytes") {
		t.Errorf("with Expect: upstream saw %q", b)
	}
	if !closedAfter(t, br) {
		t.Error("connection kept open after a request with Content-Length, Transfer-Encoding and Expect: 100-continue")
	}
	// A plain request on a fresh connection keeps it open.
	conn, br = dialProxy(t, p)
	io.WriteString(conn, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
	if resp, err = http.ReadResponse(br, nil); err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	io.WriteString(conn, "GET /status/418 HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp, err = http.ReadResponse(br, nil); err != nil || resp.StatusCode != 418 {
		t.Errorf("keep-alive after a Content-Length request: %v %v", resp, err)
	}
}

// TestSlowBodyIsCut: a client that stops sending its request body gets 408
// and its connection closed once server.read_timeout passes; the upstream
// never receives a whole body.
func TestSlowBodyIsCut(t *testing.T) {
	p := newTestProxy(t, upstream(t), func(o *Options) { o.BodyTimeout = 200 * time.Millisecond })
	for name, head := range map[string]string{
		"content-length": "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab",
		"chunked":        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n64\r\nab",
		"own page":       "POST /.frontdoor/reset HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab",
		"upgrade header": "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nContent-Length: 100\r\n\r\nab",
	} {
		t.Run(name, func(t *testing.T) {
			conn, br := dialProxy(t, p)
			io.WriteString(conn, head)
			resp, err := http.ReadResponse(br, nil)
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode == http.StatusOK && name != "own page" || strings.Contains(string(b), "got 100 bytes") {
					t.Errorf("slow body answered %d %q", resp.StatusCode, b)
				}
				if name != "own page" && resp.StatusCode != http.StatusRequestTimeout {
					t.Errorf("slow body: status %d, want 408", resp.StatusCode)
				}
			}
			if !closedAfter(t, br) {
				t.Error("connection with a stalled body kept open")
			}
		})
	}
}

// TestBodyTimeoutSparesLongResponsesAndWebSockets: the body deadline ends
// with the body and is no request deadline; a response slower than it, and
// a websocket idle longer than it, still work.
func TestBodyTimeoutSparesLongResponsesAndWebSockets(t *testing.T) {
	const limit = 400 * time.Millisecond // generous: the 3-byte body must arrive within it on a loaded machine
	up := upstream(t)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ws" {
			up.Config.Handler.ServeHTTP(w, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		time.Sleep(3 * limit)
		io.WriteString(w, "late answer to "+string(b))
	}))
	defer slow.Close()
	p := newTestProxy(t, slow, func(o *Options) { o.BodyTimeout = limit })
	resp, b := fetch(t, "POST", p.srv.URL+"/slow", strings.NewReader("abc"), nil)
	if resp.StatusCode != 200 || string(b) != "late answer to abc" {
		t.Errorf("slow response after a whole body: %d %q", resp.StatusCode, b)
	}

	conn, br := dialProxy(t, p)
	io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	time.Sleep(3 * limit)
	io.WriteString(conn, "hello\n")
	if line, err := br.ReadString('\n'); err != nil || line != "echo: hello\n" {
		t.Errorf("websocket idle past the body timeout: %q %v", line, err)
	}
}

// TestHSTS: with an https public URL every response carries
// Strict-Transport-Security (the upstream's own value wins); without, none.
func TestHSTS(t *testing.T) {
	up := upstream(t)
	up.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/own-hsts" {
			w.Header().Set(hstsHeader, "max-age=63072000; includeSubDomains; preload")
		}
		io.WriteString(w, "upstream page")
	})
	const ours = "max-age=31536000"
	p := newTestProxy(t, up, func(o *Options) { o.HSTS = ours })
	for path, want := range map[string]string{
		"/login":            ours,
		"/own-hsts":         "max-age=63072000; includeSubDomains; preload",
		"/.frontdoor/reset": ours,
		"/forgot-password":  ours,
	} {
		resp, _ := fetch(t, "GET", p.srv.URL+path, nil, nil)
		if got := resp.Header.Values(hstsHeader); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %s %q, want %q", path, hstsHeader, got, want)
		}
	}
	resp, _ := fetch(t, "TRACE", p.srv.URL+"/", nil, nil)
	if resp.Header.Get(hstsHeader) != ours {
		t.Errorf("refused request: %s %q", hstsHeader, resp.Header.Get(hstsHeader))
	}
	resp, _ = fetch(t, "POST", p.srv.URL+"/login", strings.NewReader(strings.Repeat("x", 2<<20)), nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get(hstsHeader) != ours {
		t.Errorf("413: %d %s %q", resp.StatusCode, hstsHeader, resp.Header.Get(hstsHeader))
	}
	up.Close()
	if resp, _ = fetch(t, "GET", p.srv.URL+"/login", nil, nil); resp.StatusCode != http.StatusBadGateway || resp.Header.Get(hstsHeader) != ours {
		t.Errorf("upstream down: %d %s %q", resp.StatusCode, hstsHeader, resp.Header.Get(hstsHeader))
	}
	plain := newTestProxy(t, upstream(t), nil)
	if resp, _ = fetch(t, "GET", plain.srv.URL+"/page.html", nil, nil); resp.Header.Get(hstsHeader) != "" {
		t.Errorf("http public URL sent %s", hstsHeader)
	}
}
