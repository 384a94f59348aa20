package server

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestShutdownDrainsRequestsInFlight: a user whose identify step (held at
// its 300 ms floor) is running when frontdoor is told to stop still gets
// sent on to the next step, and Serve returns cleanly once the request has drained.
func TestShutdownDrainsRequestsInFlight(t *testing.T) {
	fd, stop := serveFrontdoor(t, nil, nil)
	served := make(chan error, 1)
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
	go func() { served <- stop() }()
	r := <-answered
	if r.err != nil || r.status != http.StatusSeeOther {
		t.Errorf("request in flight at shutdown: status %d, err %v; want 303 to the next step", r.status, r.err)
	}
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}
}
