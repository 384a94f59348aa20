package audit

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

// TestRecordUserAgent: an event records the client's User-Agent, cut to a
// bound on a character boundary and without control characters, beside the
// caller's details, which stay as they were.
func TestRecordUserAgent(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := &Log{Store: st.Audit(), ClientIP: func(*http.Request) string { return "192.0.2.1" }}
	for _, tc := range []struct{ name, ua, want string }{
		{"browser", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"},
		{"control characters", "curl/8.0\x1b[31m\r\nforged: line\x00", "curl/8.0[31mforged: line"},
		{"none", "", ""},
		{"long", strings.Repeat("é", 300), strings.Repeat("é", maxUserAgent/2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/.frontdoor/reset/identify", nil)
			r.Header.Set("User-Agent", tc.ua)
			detail := map[string]string{"method": "email"}
			l.Record(r, store.Event{Type: MethodSent, Outcome: tc.name, Detail: detail})
			if len(detail) != 1 {
				t.Errorf("the caller's details changed: %v", detail)
			}
			evs, err := st.Audit().List(context.Background(), store.Filter{Type: MethodSent})
			if err != nil {
				t.Fatal(err)
			}
			var got store.Event
			for _, ev := range evs {
				if ev.Outcome == tc.name {
					got = ev
				}
			}
			if ua := got.Detail["user_agent"]; ua != tc.want || !utf8.ValidString(ua) || len(ua) > maxUserAgent {
				t.Errorf("user_agent %q, want %q", ua, tc.want)
			}
			if got.Detail["method"] != "email" || got.IP != "192.0.2.1" {
				t.Errorf("event %+v", got)
			}
		})
	}
}
