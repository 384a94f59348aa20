package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRequestIDs(t *testing.T) {
	fromProxy := func(r *http.Request) bool { return strings.HasPrefix(r.RemoteAddr, "10.0.0.1:") }
	tests := []struct {
		name     string
		trust    func(*http.Request) bool
		remote   string
		incoming string
		keep     bool
	}{
		{"no incoming", fromProxy, "10.0.0.1:1234", "", false},
		{"untrusted by default", nil, "10.0.0.1:1234", "abc-123", false},
		{"untrusted client", fromProxy, "192.0.2.7:1234", "abc-123", false},
		{"trusted proxy", fromProxy, "10.0.0.1:1234", "abc-123", true},
		{"trusted proxy, log injection", fromProxy, "10.0.0.1:1234", "abc\n{\"level\":\"ERROR\"}", false},
		{"trusted proxy, too long", fromProxy, "10.0.0.1:1234", strings.Repeat("a", 129), false},
		{"trusted proxy, longest", fromProxy, "10.0.0.1:1234", strings.Repeat("a", 128), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			var seenCtx, seenHeader string
			h := RequestIDs{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Trust: tt.trust}.Handler(
				http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					seenCtx, seenHeader = RequestID(r.Context()), r.Header.Get(RequestIDHeader)
					Logger(r.Context()).Info("hello")
				}))
			req := httptest.NewRequest("GET", "/", nil)
			req.RemoteAddr = tt.remote
			if tt.incoming != "" {
				req.Header.Set(RequestIDHeader, tt.incoming)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			got := rec.Header().Get(RequestIDHeader)
			if tt.keep && got != tt.incoming {
				t.Errorf("X-Request-Id %q, want the trusted incoming %q", got, tt.incoming)
			}
			if !tt.keep && (got == tt.incoming || len(got) != 32) {
				t.Errorf("X-Request-Id %q, want a fresh 32-hex-digit ID", got)
			}
			if seenCtx != got || seenHeader != got {
				t.Errorf("context has %q and the forwarded header %q, response %q", seenCtx, seenHeader, got)
			}
			if !strings.Contains(logs.String(), `"request_id":"`+got+`"`) {
				t.Errorf("the request's logger does not carry the ID: %s", logs.String())
			}
		})
	}
}

func TestNewRequestIDUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		id := NewRequestID()
		if len(id) != 32 || seen[id] {
			t.Fatalf("request ID %q repeated or not 128 bits", id)
		}
		seen[id] = true
	}
}

func TestLoggerDefault(t *testing.T) {
	if Logger(httptest.NewRequest("GET", "/", nil).Context()) != slog.Default() {
		t.Error("a context without a logger should give slog.Default()")
	}
}
