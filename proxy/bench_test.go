package proxy

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/bench/signinpage"
	"github.com/frontdoor-sspr/frontdoor/telemetry"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// The benchmarks compare frontdoor with a bare httputil.ReverseProxy that has
// the same buffer pool and transport, both over loopback, in the same run:
//
//	go test -run XXX -bench . -benchmem -count 6 ./proxy/
func benchUpstream(b *testing.B) *httptest.Server {
	page := strings.Repeat(`<div class="row"><label>Field</label><input name="f"></div>`, 120) // ~8 KB, a typical sign-in page
	page = `<html><body>` + page[:len(page)/2] + `<form id="login-form"><input name="username"></form>` + page[len(page)/2:] + `</body></html>`
	mux := http.NewServeMux()
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	// The 50 KB page of make bench-proxy, gzip-compressed once.
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(signinpage.Page(50 << 10))
	zw.Close()
	mux.HandleFunc("/login.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(zb.Bytes())
	})
	// The same page as make bench-proxy's upstream serves it: gzip when the
	// client accepts it, else identity.
	page50 := signinpage.Page(50 << 10)
	mux.HandleFunc("/login50", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(zb.Bytes())
			return
		}
		w.Write(page50)
	})
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	return srv
}

func bareProxy(b *testing.B, up *httptest.Server) *httptest.Server {
	u, _ := url.Parse(up.URL)
	rp := &httputil.ReverseProxy{
		Rewrite:    func(pr *httputil.ProxyRequest) { pr.SetURL(u); pr.SetXForwarded() },
		Transport:  NewTransport(0),
		BufferPool: bufferPool{},
	}
	srv := httptest.NewServer(rp)
	b.Cleanup(srv.Close)
	return srv
}

func benchGet(b *testing.B, url string, header ...string) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}

func BenchmarkPassThrough(b *testing.B) {
	up := benchUpstream(b)
	bare := bareProxy(b, up)
	fd := newTestProxy(b, up, func(o *Options) { o.Observe = nil; o.SignInPaths = []string{"/login"} })
	// As the binary serves it: each request stamped with its ID, and counted
	// in the metrics.
	served := newTestProxy(b, up, func(o *Options) { o.Observe = telemetry.New().Observe; o.SignInPaths = []string{"/login"} })
	servedSrv := httptest.NewServer(web.RequestIDs{}.Stamp(served))
	b.Cleanup(servedSrv.Close)
	b.Run("bare", func(b *testing.B) { benchGet(b, bare.URL+"/small") })
	b.Run("frontdoor", func(b *testing.B) { benchGet(b, fd.srv.URL+"/small") })
	b.Run("frontdoor-served", func(b *testing.B) { benchGet(b, servedSrv.URL+"/small") })
}

func BenchmarkSignInPage(b *testing.B) {
	up := benchUpstream(b)
	bare := bareProxy(b, up)
	fd := newTestProxy(b, up, func(o *Options) { o.Observe = nil; o.SignInPaths = []string{"/login"} })
	b.Run("bare", func(b *testing.B) { benchGet(b, bare.URL+"/login") })
	b.Run("frontdoor-injected", func(b *testing.B) { benchGet(b, fd.srv.URL+"/login") })
}

func BenchmarkSignInPageGzip(b *testing.B) {
	up := benchUpstream(b)
	bare := bareProxy(b, up)
	fd := newTestProxy(b, up, func(o *Options) { o.Observe = nil; o.SignInPaths = []string{"/login.gz"} })
	b.Run("bare", func(b *testing.B) { benchGet(b, bare.URL+"/login.gz") })
	b.Run("frontdoor-injected", func(b *testing.B) { benchGet(b, fd.srv.URL+"/login.gz") })
}

func BenchmarkInjector(b *testing.B) {
	page := strings.Repeat(`<div class="row"><label>Field</label><input name="f"></div>`, 120) + `<form id="login-form"></form>`
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		io.Copy(io.Discard, newInjector(strings.NewReader(page), parseSelector("#login-form"), []byte(snippet)))
	}
}

func BenchmarkOracleInjector(b *testing.B) {
	page := strings.Repeat(`<div class="row"><label>Field</label><input name="f"></div>`, 120) + `<form id="login-form"></form>`
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		io.Copy(io.Discard, newOracleInjector(strings.NewReader(page), parseSelector("#login-form"), []byte(snippet)))
	}
}

// BenchmarkSignInPageCompressed is make bench-proxy's sign-in page in one
// process: the 50 KB page to a client that accepts gzip, passed through
// compressed by the bare proxy, asked uncompressed and compressed after
// injecting by frontdoor (compress_sign_in, the default).
func BenchmarkSignInPageCompressed(b *testing.B) {
	up := benchUpstream(b)
	bare := bareProxy(b, up)
	fd := newTestProxy(b, up, func(o *Options) {
		o.Observe = nil
		o.SignInPaths = []string{"/login50"}
		o.CompressSignIn = true
	})
	b.Run("bare", func(b *testing.B) { benchGet(b, bare.URL+"/login50", "Accept-Encoding", "gzip") })
	b.Run("frontdoor-injected", func(b *testing.B) { benchGet(b, fd.srv.URL+"/login50", "Accept-Encoding", "gzip") })
}
