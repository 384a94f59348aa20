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

// TestStampThenScope: Stamp alone gives the request and the response the ID
// and leaves the request as it came (a proxied request is not copied); Scope
// behind it gives the handler the same ID and a logger carrying it; Scope
// without Stamp believes no ID a client sent in a form logs cannot carry.
func TestStampThenScope(t *testing.T) {
	var logs bytes.Buffer
	ids := RequestIDs{Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	var stamped *http.Request
	req := httptest.NewRequest("GET", "/", nil)
	rec := httptest.NewRecorder()
	ids.Stamp(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stamped = r })).ServeHTTP(rec, req)
	id := rec.Header().Get(RequestIDHeader)
	if len(id) != 32 || stamped.Header.Get(RequestIDHeader) != id {
		t.Fatalf("Stamp: response ID %q, request ID %q", id, stamped.Header.Get(RequestIDHeader))
	}
	if stamped != req || RequestID(stamped.Context()) != "" {
		t.Errorf("Stamp copied the request or gave its context an ID (%q)", RequestID(stamped.Context()))
	}

	var seen string
	h := ids.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = RequestID(r.Context())
		Logger(r.Context()).Info("hello")
	}))
	h.ServeHTTP(rec, stamped)
	if seen != id || !strings.Contains(logs.String(), `"request_id":"`+id+`"`) {
		t.Errorf("Scope behind Stamp: context ID %q, logs %s; want %q", seen, logs.String(), id)
	}

	forged := httptest.NewRequest("GET", "/", nil)
	forged.Header.Set(RequestIDHeader, "abc\n{\"level\":\"ERROR\"}")
	seen = "unset"
	h.ServeHTTP(httptest.NewRecorder(), forged)
	if seen != "" {
		t.Errorf("Scope without Stamp believed the client's ID %q", seen)
	}
}

// TestStampAllocations: a request passed through costs the middleware two
// allocations (the ID and the header's slice), where giving every request a
// context value cost four.
func TestStampAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocations")
	}
	h := RequestIDs{}.Stamp(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	r := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	if got := testing.AllocsPerRun(100, func() { h.ServeHTTP(w, r) }); got != 2 {
		t.Errorf("Stamp: %v allocations per request, want 2", got)
	}
}
