package server

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// startBehindTLS serves frontdoor, proxying only (no directory), in front of
// the testenv SimpleSAMLphp, with an https public URL as behind a
// TLS-terminating ingress, and returns its address.
func startBehindTLS(t *testing.T, server config.Server) string {
	t.Helper()
	ssp := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_URL")[0]
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server.Listen, server.MetricsListen, server.PublicURL = ln.Addr().String(), mln.Addr().String(), "https://sso.example.test"
	if server.SecretKey == "" {
		server.SecretKey = strings.Repeat("k", 32) // required off loopback
	}
	cfg := &config.Config{Server: server, Upstream: config.Upstream{URL: ssp, Preset: "simplesamlphp"},
		Store: config.Store{Driver: "sqlite", DSN: t.TempDir() + "/frontdoor.db"}}
	cfg.ApplyDefaults()
	if p := cfg.Validate(); len(p) > 0 {
		t.Fatal(p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, mln) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// TestHSTSFromConfiguration: with an https public URL, the upstream's pages
// and frontdoor's own carry the configured Strict-Transport-Security.
func TestHSTSFromConfiguration(t *testing.T) {
	start := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	on := true
	addr := startBehindTLS(t, config.Server{HSTS: config.HSTS{Enabled: &on, IncludeSubdomains: true}})
	for _, path := range []string{start, "/.frontdoor/reset"} {
		resp, err := noFollow(http.DefaultClient).Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Strict-Transport-Security"); got != "max-age=31536000; includeSubDomains" {
			t.Errorf("%s: %d, Strict-Transport-Security %q", path, resp.StatusCode, got)
		}
	}
}

// TestSlowBodyCutByReadTimeout: server.read_timeout closes the connection
// of a client that stalls its request body to the real sign-in page.
func TestSlowBodyCutByReadTimeout(t *testing.T) {
	start := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	addr := startBehindTLS(t, config.Server{ReadTimeout: config.Duration(300 * time.Millisecond)})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // a guard against hanging, not the assertion
	io.WriteString(conn, "POST "+start+" HTTP/1.1\r\nHost: sso.example.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername=alice")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("stalled body: status %d, want 408", resp.StatusCode)
	}
	if _, err := br.Peek(1); err == nil || strings.Contains(err.Error(), "timeout") {
		t.Errorf("connection kept open after a stalled body: %v", err)
	}
}
