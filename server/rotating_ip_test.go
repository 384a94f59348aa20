package server

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// spoofTransport sends every request as from another address: a new
// X-Forwarded-For each time (a trusted proxy's word, or a client's forgery),
// with X-Real-IP, Forwarded and True-Client-IP forged to match.
type spoofTransport struct{ n *int }

func (s spoofTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	*s.n++
	ip := fmt.Sprintf("203.0.113.%d", *s.n%250+1)
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", ip)
	r.Header.Set("X-Real-IP", ip)
	r.Header.Set("Forwarded", "for="+ip)
	r.Header.Set("True-Client-IP", ip)
	return http.DefaultTransport.RoundTrip(r)
}

// TestRotatingAddressesKeepTheLimits (F-2): a client that forges a new
// address on every request stays one address for the per-address limit (30
// identifies in 10 minutes) when no proxy is trusted; and behind a trusted
// proxy, where each request really comes from another address, wrong codes
// still count per account: five spend the code, and one more after a resend
// blocks the account's reset for a day.
func TestRotatingAddressesKeepTheLimits(t *testing.T) {
	t.Run("forged, no trusted proxy", func(t *testing.T) {
		fd := startFrontdoor(t, testConfig(t))
		n := 0
		statuses := map[int]int{}
		for range 32 {
			c := browser(t)
			c.Transport = spoofTransport{&n}
			_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
			resp, err := noFollow(c).PostForm(fd.URL+"/.frontdoor/reset/identify", url.Values{
				"csrf_token": {csrf(t, body)}, "login": {"nosuchuser"}, "captcha": {fd.captchaAnswer(t, c, "reset")}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			statuses[resp.StatusCode]++
		}
		if statuses[http.StatusSeeOther] != 30 || statuses[http.StatusTooManyRequests] != 2 {
			t.Errorf("statuses %v: want 30 identifies through and the rest refused, forged addresses or not", statuses)
		}
	})
	t.Run("behind a trusted proxy", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.Server.TrustedProxies = []string{"127.0.0.1/32"}
		fd := startFrontdoor(t, cfg)
		login, mail, _ := slapdUser(t)
		c := browser(t)
		n := 0
		c.Transport = spoofTransport{&n}
		body, _ := fd.atCode(t, c, login, mail)
		wrongCodesUntilBlocked(t, fd, c, body) // each post from another address
		if n < 10 {
			t.Fatalf("only %d requests went out with a new address", n)
		}
	})
}
