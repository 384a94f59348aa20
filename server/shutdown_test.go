package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestShutdownDrainsRequestsInFlight: a user whose identify step (held at
// its 300 ms floor) is running when frontdoor is told to stop still gets
// sent on to the next step, and Serve returns cleanly once the request has drained.
func TestShutdownDrainsRequestsInFlight(t *testing.T) {
	cfg := testConfig(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
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
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	srv, err := New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln, mln) }()
	fd := &frontdoor{URL: cfg.Server.PublicURL, srv: srv}

	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
	form := url.Values{"csrf_token": {csrf(t, body)}, "login": {"nobody-at-all"}, "captcha": {fd.captchaAnswer(t, c, "reset")}}
	type result struct {
		status int
		err    error
	}
	answered := make(chan result, 1)
	noFollow := *c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	go func() {
		resp, err := noFollow.PostForm(fd.URL+"/.frontdoor/reset/identify", form)
		if err != nil {
			answered <- result{err: err}
			return
		}
		resp.Body.Close()
		answered <- result{status: resp.StatusCode}
	}()
	time.Sleep(100 * time.Millisecond) // the request is inside its identify floor
	stop()
	r := <-answered
	if r.err != nil || r.status != http.StatusSeeOther {
		t.Errorf("request in flight at shutdown: status %d, err %v; want 303 to the next step", r.status, r.err)
	}
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}
}
