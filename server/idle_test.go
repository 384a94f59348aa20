package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// serveIdle serves h on loopback with an idleConns of timeout as its
// ConnState hook, as Serve does, and returns the address.
func serveIdle(t *testing.T, timeout time.Duration, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	idle := newIdleConns(timeout)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ConnState: idle.track}
	ctx, cancel := context.WithCancel(context.Background())
	go idle.run(ctx)
	go srv.Serve(ln)
	t.Cleanup(func() { cancel(); srv.Close() })
	return ln.Addr().String()
}

// roundTrip sends a GET for path on conn and reads the answer's body.
func roundTrip(t *testing.T, conn net.Conn, br *bufio.Reader, path string) string {
	t.Helper()
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: frontdoor.test\r\n\r\n"); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return string(b)
}

// waitClosed reads from conn until the server closes it; a guard deadline
// keeps a connection left open from hanging the test.
func waitClosed(t *testing.T, conn net.Conn, br *bufio.Reader, guard time.Duration) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(guard))
	_, err := br.ReadByte()
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection still open after %s idle", guard)
	}
	if err == nil {
		t.Fatal("the server sent bytes nobody asked for")
	}
}

func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn, bufio.NewReader(conn)
}

// TestIdleConnectionsClosed: a keep-alive connection serves one request after
// another, and is closed once it has waited past the idle timeout.
func TestIdleConnectionsClosed(t *testing.T) {
	const timeout = 300 * time.Millisecond
	addr := serveIdle(t, timeout, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}))
	conn, br := dial(t, addr)
	for i := 0; i < 4; i++ { // 4 x 100 ms: longer than the timeout in all, never that long idle
		if got := roundTrip(t, conn, br, "/"); got != "hello" {
			t.Fatalf("request %d: %q", i, got)
		}
		time.Sleep(timeout / 3)
	}
	waitClosed(t, conn, br, 10*time.Second)
}

// TestIdleTimeoutSparesBusyConnections: a request that takes longer than the
// idle timeout, and a hijacked connection (a websocket), are not cut.
func TestIdleTimeoutSparesBusyConnections(t *testing.T) {
	const timeout = 200 * time.Millisecond
	addr := serveIdle(t, timeout, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			time.Sleep(3 * timeout)
			io.WriteString(w, "slow")
		case "/hijack":
			c, rw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n")
			rw.Flush()
			time.Sleep(3 * timeout)
			rw.WriteString("still here")
			rw.Flush()
		}
	}))
	conn, br := dial(t, addr)
	if got := roundTrip(t, conn, br, "/slow"); got != "slow" {
		t.Fatalf("slow request: %q", got)
	}

	conn, br = dial(t, addr)
	io.WriteString(conn, "GET /hijack HTTP/1.1\r\nHost: frontdoor.test\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	b := make([]byte, len("still here"))
	if _, err := io.ReadFull(br, b); err != nil || string(b) != "still here" {
		t.Fatalf("hijacked connection after %s: %q %v", 3*timeout, b, err)
	}
}

// TestIdleTimeoutFromConfiguration: server.idle_timeout closes a keep-alive
// connection to frontdoor, in front of the real sign-in page, that waits for
// its next request longer than configured.
func TestIdleTimeoutFromConfiguration(t *testing.T) {
	start := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	addr := startBehindTLS(t, config.Server{IdleTimeout: config.Duration(300 * time.Millisecond)})
	conn, br := dial(t, addr)
	io.WriteString(conn, "GET "+start+" HTTP/1.1\r\nHost: sso.example.test\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		t.Fatalf("%s: the answer (%d) closes the connection itself", start, resp.StatusCode)
	}
	waitClosed(t, conn, br, 10*time.Second)
}
