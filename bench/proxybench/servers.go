package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/frontdoor-sspr/frontdoor/bench/signinpage"
	"github.com/frontdoor-sspr/frontdoor/proxy"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// upstreamMain serves the benchmark's upstream: /small, 1 KiB of JSON, and
// /login, the 50 KB sign-in page, gzip-compressed when the client accepts it
// (compressed once at start, as a server with precompressed pages does).
func upstreamMain(args []string) error {
	fs := flag.NewFlagSet("upstream", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:28081", "address")
	fs.Parse(args)
	page := signinpage.Page(50 << 10)
	var zb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zb, gzip.BestCompression)
	zw.Write(page)
	zw.Close()
	small := []byte(`{"data":"` + strings.Repeat("x", 1024-11) + `"}`)
	mux := http.NewServeMux()
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(small)))
		w.Write(small)
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Vary", "Accept-Encoding")
		body := page
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			body = zb.Bytes()
			h.Set("Content-Encoding", "gzip")
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	return http.ListenAndServe(*listen, mux)
}

// bareMain runs the bare reverse proxy frontdoor is compared with:
// httputil.ReverseProxy with Rewrite, a buffer pool and frontdoor's transport
// (256 idle connections). Its Go runtime metrics, allocations among them,
// are on a port of their own, as frontdoor's are.
func bareMain(args []string) error {
	fs := flag.NewFlagSet("bare", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:28082", "address")
	metrics := fs.String("metrics", "127.0.0.1:28092", "address of /metrics")
	upstream := fs.String("upstream", "http://127.0.0.1:28081", "upstream URL")
	fs.Parse(args)
	ml, err := net.Listen("tcp", *metrics)
	if err != nil {
		return err
	}
	go http.Serve(ml, promhttp.Handler())
	u, err := url.Parse(*upstream)
	if err != nil {
		return err
	}
	rp := &httputil.ReverseProxy{
		Rewrite:    func(pr *httputil.ProxyRequest) { pr.SetURL(u); pr.SetXForwarded() },
		Transport:  proxy.NewTransport(0),
		BufferPool: pool{},
	}
	return http.ListenAndServe(*listen, rp)
}

// pool is the bare proxy's buffer pool, allocation-free as frontdoor's is.
type pool struct{}

var buffers = sync.Pool{New: func() any { return new([32 << 10]byte) }}

func (pool) Get() []byte { return buffers.Get().(*[32 << 10]byte)[:] }

func (pool) Put(b []byte) {
	if len(b) == 32<<10 {
		buffers.Put((*[32 << 10]byte)(b))
	}
}
