package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkRequestIDs is the middleware's cost on a request that logs nothing:
// Stamp alone (every proxied request), and Stamp with Scope (frontdoor's own
// pages): go test -run XXX -bench RequestIDs -benchmem ./web/
func BenchmarkRequestIDs(b *testing.B) {
	ids := RequestIDs{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"Stamp", ids.Stamp(noop)}, {"Handler", ids.Handler(noop)}} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/", nil)
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				bc.h.ServeHTTP(w, r)
			}
		})
	}
}
