package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/notify"
)

// TestMailMetrics: each email counts in frontdoor_mail_total by
// kind and outcome, so that an alert can watch the failures.
func TestMailMetrics(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, _ := slapdUser(t)
	c := browser(t)
	fd.atCode(t, c, login, mail)
	const want = `frontdoor_mail_total{kind="code",outcome="sent"} 1`
	var metrics string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://" + fd.srv.cfg.Server.MetricsListen + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if metrics = string(b); strings.Contains(metrics, want) {
			break
		}
	}
	if !strings.Contains(metrics, want) {
		t.Errorf("/metrics lacks %s:\n%s", want, grepLines(metrics, "frontdoor_mail"))
	}
	// Every kind's failures start at 0, so the first is an increase.
	for _, zero := range []string{`frontdoor_mail_total{kind="code",outcome="failed"} 0`, `frontdoor_mail_total{kind="blocked_notice",outcome="dropped"} 0`} {
		if !strings.Contains(metrics, zero) {
			t.Errorf("/metrics lacks %s:\n%s", zero, grepLines(metrics, "frontdoor_mail"))
		}
	}
	for err, outcome := range map[error]string{nil: "sent", notify.ErrDropped: "dropped",
		fmt.Errorf("wrapped: %w", notify.ErrDropped): "dropped", errors.New("550 mailbox unavailable"): "failed"} {
		if got := mailOutcome(err); got != outcome {
			t.Errorf("mailOutcome(%v) = %q, want %q", err, got, outcome)
		}
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
