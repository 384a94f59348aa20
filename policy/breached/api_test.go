package breached

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// fakeRangeAPI is a stand-in for the public range API, implementing its
// documented contract: GET /range/{5 hex digits} answers "SUFFIX:count" lines
// (CRLF) for every known hash with that prefix, plus padding lines with a
// count of 0 when the client asks with "Add-Padding: true".
type fakeRangeAPI struct {
	mu      sync.Mutex
	counts  map[string]int // full upper-case hash -> count
	seen    []*http.Request
	status  int
	garbled bool
}

var rangePath = regexp.MustCompile(`^/range/[0-9A-F]{5}$`)

func (f *fakeRangeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.seen = append(f.seen, r)
	f.mu.Unlock()
	if f.status != 0 {
		w.WriteHeader(f.status)
		return
	}
	if r.Method != http.MethodGet || !rangePath.MatchString(r.URL.Path) {
		http.Error(w, "The hash prefix was not in a valid format", http.StatusBadRequest)
		return
	}
	if f.garbled {
		fmt.Fprint(w, "<html>maintenance</html>\r\n")
		return
	}
	prefix := strings.TrimPrefix(r.URL.Path, "/range/")
	for h, n := range f.counts {
		if strings.HasPrefix(h, prefix) {
			fmt.Fprintf(w, "%s:%d\r\n", h[5:], n)
		}
	}
	if r.Header.Get("Add-Padding") == "true" {
		for i := range 3 {
			fmt.Fprintf(w, "%035X:0\r\n", i)
		}
	}
}

func hashOf(pw string) string {
	s := sha1.Sum([]byte(pw))
	return strings.ToUpper(hex.EncodeToString(s[:]))
}

func TestAPICount(t *testing.T) {
	fake := &fakeRangeAPI{counts: map[string]int{
		hashOf("password"):     3861493,
		hashOf("P@ssw0rd2026"): 42,
	}}
	// A hash that shares the prefix of "password" but is not it.
	near := hashOf("password")[:5] + strings.Repeat("0", 35)
	fake.counts[near] = 9
	srv := httptest.NewServer(fake)
	defer srv.Close()
	api := &API{BaseURL: srv.URL + "/", Client: srv.Client(), UserAgent: "frontdoor-test"}

	tests := []struct {
		pw   string
		want int
	}{
		{"password", 3861493},
		{"P@ssw0rd2026", 42},
		{"a long and unusual passphrase", 0},
		{"", 0},
	}
	for _, tt := range tests {
		got, err := api.Count(context.Background(), tt.pw)
		if err != nil {
			t.Fatalf("%q: %v", tt.pw, err)
		}
		if got != tt.want {
			t.Errorf("%q: count %d, want %d", tt.pw, got, tt.want)
		}
	}

	// Only the 5-character prefix left: never the password or the rest of the hash.
	if len(fake.seen) != len(tests) {
		t.Fatalf("%d requests, want %d", len(fake.seen), len(tests))
	}
	for i, r := range fake.seen {
		full := hashOf(tests[i].pw)
		if r.URL.Path != "/range/"+full[:5] {
			t.Errorf("request %d: path %q, want /range/%s", i, r.URL.Path, full[:5])
		}
		dump := fmt.Sprint(r.URL, r.Header)
		if tests[i].pw != "" && strings.Contains(dump, tests[i].pw) || strings.Contains(strings.ToUpper(dump), full[5:]) {
			t.Errorf("request %d carries the password or the hash suffix: %s", i, dump)
		}
		if r.Header.Get("User-Agent") != "frontdoor-test" || r.Header.Get("Add-Padding") != "true" {
			t.Errorf("request %d headers %v", i, r.Header)
		}
	}
}

func TestAPIFailures(t *testing.T) {
	tests := []struct {
		name string
		fake *fakeRangeAPI
	}{
		{"server error", &fakeRangeAPI{status: http.StatusInternalServerError}},
		{"rate limited", &fakeRangeAPI{status: http.StatusTooManyRequests}},
		{"not the documented format", &fakeRangeAPI{garbled: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.fake)
			defer srv.Close()
			api := &API{BaseURL: srv.URL, Client: srv.Client()}
			if _, err := api.Count(context.Background(), "password"); !errors.Is(err, ErrAPI) {
				t.Errorf("error %v, want ErrAPI", err)
			}
		})
	}
	srv := httptest.NewServer(&fakeRangeAPI{})
	srv.Close()
	api := &API{BaseURL: srv.URL}
	if _, err := api.Count(context.Background(), "password"); !errors.Is(err, ErrAPI) {
		t.Errorf("closed server: error %v, want ErrAPI", err)
	}
}
