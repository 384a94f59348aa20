package telemetry

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

func TestMetricsAndHealth(t *testing.T) {
	m := New()
	m.Observe("upstream", 200, 20*time.Millisecond)
	m.Observe("upstream", 200, 30*time.Millisecond)
	m.Observe("refused", 400, 0)
	var notReady error
	h := m.Handler(func(context.Context) error { return notReady })

	code, body := get(t, h, "/metrics")
	for _, want := range []string{
		`frontdoor_http_requests_total{class="upstream",code="200"} 2`,
		`frontdoor_http_requests_total{class="refused",code="400"} 1`,
		`frontdoor_upstream_duration_seconds_count{class="upstream"} 2`,
		`go_goroutines`,
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, `frontdoor_upstream_duration_seconds_count{class="refused"}`) {
		t.Error("refused requests counted as upstream latency")
	}
	if code, _ := get(t, h, "/healthz"); code != 200 {
		t.Errorf("/healthz %d", code)
	}
	if code, _ := get(t, h, "/readyz"); code != 200 {
		t.Errorf("/readyz %d while ready", code)
	}
	notReady = errors.New("store down")
	if code, body := get(t, h, "/readyz"); code != 503 || strings.Contains(body, "store down") {
		t.Errorf("/readyz %d %q while not ready", code, body)
	}
}
