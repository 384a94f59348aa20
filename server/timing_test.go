package server

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/internal/timingtest"
)

// TestTimingAgainstSlapd (SECURITY-TESTS A-4) is the timing test of
// flows/gate run against the real slapd and mailpit, through frontdoor's
// listener: 200 interleaved walks per kind of user ID, each timing identify
// and the sending of a code, compared with the Kolmogorov–Smirnov test. The
// known accounts are throwaway slapd users with a mail address. Each walk comes from an address of its own (X-Forwarded-For from
// a trusted proxy), so the per-client limits stay out of the way.
func TestTimingAgainstSlapd(t *testing.T) {
	if testing.Short() {
		t.Skip("the timing test takes about a minute")
	}
	cfg := testConfig(t)
	cfg.Captcha = config.Captcha{Provider: "none", Insecure: true}
	cfg.Reset.IdentifyFloor = config.Duration(20 * time.Millisecond)
	cfg.Server.TrustedProxies = []string{"127.0.0.1/32"}
	fd := startFrontdoor(t, cfg)
	// Enough accounts that none reaches its send limit (ten in ten
	// minutes) in either trial: both trials then measure the same thing.
	// flows/gate's test covers an account over its limit.
	var known []string
	for range 2 * (200 + 30) / 9 {
		login, _, _ := slapdUser(t)
		known = append(known, login)
	}

	var next atomic.Int64
	post := func(c *http.Client, ip, path string, form url.Values) (time.Duration, int) {
		req, _ := http.NewRequest(http.MethodPost, fd.URL+"/.frontdoor/"+path, nil)
		req.Body = io.NopCloser(strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", ip)
		began := time.Now()
		resp, err := c.Do(req)
		took := time.Since(began)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return took, resp.StatusCode
	}
	get := func(c *http.Client, ip, path string) string {
		req, _ := http.NewRequest(http.MethodGet, fd.URL+"/.frontdoor/"+path, nil)
		req.Header.Set("X-Forwarded-For", ip)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	// Kept-open connections, one per lane of timingtest.
	transport := &http.Transport{MaxIdleConnsPerHost: timingtest.Lanes}
	t.Cleanup(transport.CloseIdleConnections)
	walk := func(kind string) []time.Duration {
		seq := next.Add(1)
		ip := fmt.Sprintf("198.%d.%d.%d", 18+seq/62500, seq/250%250, seq%250)
		login := fmt.Sprintf("fd-nobody-%d", seq)
		if kind == "known" {
			login = known[int(seq)%len(known)]
		}
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Transport: transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		body := get(c, ip, "reset")
		identify, status := post(c, ip, "reset/identify", url.Values{"csrf_token": {csrf(t, body)}, "login": {login}})
		if status != http.StatusSeeOther {
			t.Fatalf("identify %s: status %d", login, status)
		}
		body = get(c, ip, "reset/step")
		send, status := post(c, ip, "reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
		if status != http.StatusSeeOther {
			t.Fatalf("send for %s: status %d", login, status)
		}
		return []time.Duration{identify, send}
	}
	timingtest.CompareSteps(t, []string{"identify (slapd)", "code send (slapd, mailpit)"}, 30, 200, [2]string{"known", "unknown"}, walk)
}
