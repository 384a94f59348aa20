package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkRequestIDs is the middleware's cost on a request that logs nothing
// (every proxied request): go test -run XXX -bench RequestIDs -benchmem ./web/
func BenchmarkRequestIDs(b *testing.B) {
	h := RequestIDs{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))}.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	r := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}
