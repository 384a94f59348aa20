package server

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// TestIdentifyLimitPerClient: the per-IP identify limit holds for known and
// unknown user IDs alike, and a refused request says when to retry.
func TestIdentifyLimitPerClient(t *testing.T) {
	cfg := testConfig(t)
	fd := startFrontdoor(t, cfg)
	statuses := map[int]int{}
	var last *http.Response
	for i := range 32 {
		login := "alice"
		if i%2 == 1 {
			login = "nosuchuser" + strconv.Itoa(i)
		}
		c := browser(t)
		_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
		resp, err := noFollow(c).PostForm(fd.URL+"/.frontdoor/reset/identify", url.Values{
			"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, "reset")}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses[resp.StatusCode]++
		last = resp
	}
	if statuses[http.StatusSeeOther] != 30 || statuses[http.StatusTooManyRequests] != 2 {
		t.Errorf("statuses %v: want 30 identifies through and the rest refused", statuses)
	}
	if s, err := strconv.Atoi(last.Header.Get("Retry-After")); err != nil || s < 1 || s > 600 {
		t.Errorf("Retry-After %q", last.Header.Get("Retry-After"))
	}
}
