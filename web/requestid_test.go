package web

import (
	"bytes"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
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

// TestNewRequestIDUnique: IDs made at once on several goroutines, and so
// from several blocks, never repeat.
func TestNewRequestIDUnique(t *testing.T) {
	const goroutines, each = 8, 20 * idsPerBlock
	got := make([][]string, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for range each {
				got[g] = append(got[g], NewRequestID())
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, ids := range got {
		for _, id := range ids {
			if _, err := hex.DecodeString(id); err != nil || len(id) != 32 || seen[id] {
				t.Fatalf("request ID %q repeated or not 128 bits in hex", id)
			}
			seen[id] = true
		}
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

// TestStampAllocations: a request passed through costs the middleware no
// allocation of its own but its share of its ID block's two (the string
// and the slice of values), 2 in 64. Making each ID on its own cost
// two per request, and giving every request a context value four.
// testing.AllocsPerRun rounds down, so the mallocs are counted here.
func TestStampAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocations")
	}
	h := RequestIDs{}.Stamp(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	r := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	const n = 6400
	h.ServeHTTP(w, r) // the pool's first block
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		h.ServeHTTP(w, r)
	}
	runtime.ReadMemStats(&after)
	// With blocks of 64, 200, and a few more for a new block struct when a
	// collection empties the pool; IDs made one at a time would be 12,800.
	if got, limit := after.Mallocs-before.Mallocs, uint64(n/16); got > limit {
		t.Errorf("Stamp: %d allocations for %d requests, want at most %d (one in 16 requests)", got, n, limit)
	}
}

// TestStampValueOwnsItsID: IDs handed out from one block stay each
// request's own. Appending to one request's header value (as Header.Add
// does) must not overwrite the next ID of the block.
func TestStampValueOwnsItsID(t *testing.T) {
	var seen []*http.Request
	h := RequestIDs{}.Stamp(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Add(RequestIDHeader, "appended-by-a-handler")
		w.Header().Add(RequestIDHeader, "appended-to-the-response")
		seen = append(seen, r)
	}))
	var ids []string
	for range 3 * idsPerBlock {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		ids = append(ids, rec.Header().Values(RequestIDHeader)[0])
	}
	for i, r := range seen {
		got := r.Header.Values(RequestIDHeader)
		if len(got) != 2 || got[0] != ids[i] || got[1] != "appended-by-a-handler" || len(ids[i]) != 32 {
			t.Fatalf("request %d: X-Request-Id %q, response had %q", i, got, ids[i])
		}
	}
}

// TestTrustedRequestIDRepeated: of a trusted request's several X-Request-Id
// lines the first is kept, alone, on the request and the response, and each
// stays its own: appending to one reaches neither the other nor the
// incoming lines' spare room.
func TestTrustedRequestIDRepeated(t *testing.T) {
	var forwarded []string
	h := RequestIDs{Trust: func(*http.Request) bool { return true }}.Stamp(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Add(RequestIDHeader, "appended-by-a-handler")
			w.Header().Add(RequestIDHeader, "appended-to-the-response")
			forwarded = r.Header.Values(RequestIDHeader)
		}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header["X-Request-Id"] = []string{"first", "second"}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	got := rec.Header().Values(RequestIDHeader)
	if len(got) != 2 || got[0] != "first" || got[1] != "appended-to-the-response" {
		t.Errorf("response X-Request-Id %q, want the first incoming, then the handler's", got)
	}
	if len(forwarded) != 2 || forwarded[0] != "first" || forwarded[1] != "appended-by-a-handler" {
		t.Errorf("forwarded X-Request-Id %q, want the first incoming, then the handler's", forwarded)
	}
}
