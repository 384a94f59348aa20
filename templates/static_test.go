package templates

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, s *Set, url string) (string, http.Header) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.StaticHandler().ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", url, rec.Code)
	}
	return rec.Body.String(), rec.Header()
}

func TestStatic(t *testing.T) {
	s := testSet(t, "")
	hashed, err := s.static.url("style.css")
	if err != nil {
		t.Fatal(err)
	}
	etag := s.static.files["style.css"].etag
	tests := []struct {
		name, method, url, ifNoneMatch string
		status                         int
		cache                          string
	}{
		{"hashed name", "GET", hashed, "", 200, "public, max-age=31536000, immutable"},
		{"plain name", "GET", "/.frontdoor/static/style.css", "", 200, "no-cache"},
		{"head", "HEAD", hashed, "", 200, "public, max-age=31536000, immutable"},
		{"revalidation", "GET", "/.frontdoor/static/style.css", etag, 304, "no-cache"},
		{"wrong hash", "GET", "/.frontdoor/static/style.000000000000.css", "", 404, ""},
		{"unknown", "GET", "/.frontdoor/static/app.js", "", 404, ""},
		{"traversal", "GET", "/.frontdoor/static/../locales/en.toml", "", 404, ""},
		{"outside prefix", "GET", "/static/style.css", "", 404, ""},
		{"post", "POST", hashed, "", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.url, nil)
			if tt.ifNoneMatch != "" {
				req.Header.Set("If-None-Match", tt.ifNoneMatch)
			}
			rec := httptest.NewRecorder()
			s.StaticHandler().ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.status != 200 && tt.status != 304 {
				return
			}
			if got := rec.Header().Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control %q, want %q", got, tt.cache)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
			if tt.status == 200 && tt.method == "GET" && !strings.Contains(rec.Body.String(), "--accent") {
				t.Error("the body is not the stylesheet")
			}
		})
	}
}
