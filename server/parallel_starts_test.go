package server

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestParallelStartsKeepTheSendCap (E-4): 100 browsers, each from an
// address of its own, start a reset of the same account at once and ask
// for an email code. The account's send cap (10 codes in 10 minutes) holds:
// at most 10 codes reach the account, and every answer is a page, never a
// 5xx.
func TestParallelStartsKeepTheSendCap(t *testing.T) {
	cfg := testConfig(t)
	cfg.Server.TrustedProxies = []string{"127.0.0.1/32"} // each browser its own address, past the per-address limits
	fd := startFrontdoor(t, cfg)
	login, mail, _ := slapdUser(t)
	const browsers, sendCap = 100, 10
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[int]int{}
	)
	for i := range browsers {
		wg.Go(func() {
			c := browser(t)
			c.Transport = headerTransport{"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1)} // behind the trusted proxy
			_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
			_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
				"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, "reset")}})
			if !strings.Contains(body, `name="method"`) {
				t.Errorf("browser %d: identify did not go on to the choice of method:\n%s", i, body)
				return
			}
			status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	for status, n := range statuses {
		if status >= 500 {
			t.Errorf("%d method steps answered %d", n, status)
		}
	}
	// Codes go out in the background: count until no more arrive for 2 s.
	mp := testenv.Mailpit(t)
	sent, stable := 0, time.Now()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && time.Since(stable) < 2*time.Second; time.Sleep(100 * time.Millisecond) {
		msgs, err := mp.Messages(context.Background(), mail)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != sent {
			sent, stable = len(msgs), time.Now()
		}
	}
	t.Logf("method step answers %v; %d codes mailed to the account", statuses, sent)
	if sent == 0 || sent > sendCap {
		t.Errorf("%d codes mailed to the account for %d parallel starts, want 1 to %d (the account's cap)", sent, browsers, sendCap)
	}
}
