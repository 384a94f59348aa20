package proxy

import (
	"context"
	"errors"
	"mime"
	"net"
	"net/http"
	"net/http/httputil"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// upgrades builds the httputil.ReverseProxy that forwards protocol upgrades
// (websockets): the one kind of request forward leaves to the library.
func (p *Proxy) upgrades() *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite:        func(pr *httputil.ProxyRequest) { pr.SetURL(p.opt.Upstream); p.rewrite(pr.Out, pr.In) },
		Transport:      p.transport,
		BufferPool:     bufferPool{},
		ModifyResponse: p.modifyResponse,
		ErrorHandler:   p.upstreamError,
		ErrorLog:       slogErrorLog(p.opt.Logger),
	}
}

// NewTransport returns a transport tuned for one upstream with many idle
// connections, as a sign-in service behind a busy front door needs.
func NewTransport(timeout time.Duration) *http.Transport {
	return &http.Transport{
		Proxy:                 nil, // never send upstream traffic through an environment proxy
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
		// Pass bodies through as the upstream encoded them, never decoded on the way.
		DisableCompression: true,
	}
}

// rewrite sets the Host and X-Forwarded-* of out, the request to the
// upstream for in (its URL already points at the upstream): passed on from a
// trusted proxy, otherwise from this connection alone.
func (p *Proxy) rewrite(out, in *http.Request) {
	if p.opt.PreserveHost {
		out.Host = in.Host
	}
	fromTrusted := p.trusted.contains(peer(in))
	p.setForwarded(out, in, fromTrusted)
	dropRoutingHeaders(out.Header, in.Header, fromTrusted)
	if len(p.opt.OwnCookies) > 0 {
		dropCookies(out.Header, p.opt.OwnCookies)
	}
}

// dropCookies removes frontdoor's own cookies from a request to the upstream,
// leaving the others exactly as they were.
func dropCookies(h http.Header, names []string) {
	lines := h.Values("Cookie")
	if !slices.ContainsFunc(lines, func(l string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.Contains(l, n) })
	}) {
		return // the usual case: nothing of ours, leave the header as sent
	}
	var kept []string
	for _, line := range lines {
		for _, part := range strings.Split(line, ";") {
			name, _, _ := strings.Cut(strings.TrimSpace(part), "=")
			if !slices.Contains(names, name) && strings.TrimSpace(part) != "" {
				kept = append(kept, strings.TrimSpace(part))
			}
		}
	}
	h.Del("Cookie")
	if len(kept) > 0 {
		h.Set("Cookie", strings.Join(kept, "; "))
	}
}

// modifyResponse sets HSTS when the upstream did not, shows AfterSignIn the
// answers to sign-in posts, and injects the links into sign-in pages.
func (p *Proxy) modifyResponse(resp *http.Response) error {
	req := resp.Request
	if p.opt.HSTS != "" && resp.Header.Get(hstsHeader) == "" {
		resp.Header.Set(hstsHeader, p.opt.HSTS)
	}
	if p.opt.AfterSignIn != nil && req.Method == http.MethodPost && p.done.match(p.incomingPath(req)) {
		p.opt.AfterSignIn(resp)
	}
	if p.opt.Snippet == nil || req.Method == http.MethodHead || !p.signIn.match(p.incomingPath(req)) ||
		resp.StatusCode != http.StatusOK || resp.Body == nil || resp.Body == http.NoBody {
		return nil
	}
	if !isHTML(resp.Header.Get("Content-Type")) {
		return nil
	}
	c, ok := codecFor(resp.Header.Get("Content-Encoding"))
	if !ok {
		return nil
	}
	if enc := outEncoding(req); enc != "" && c.encode == nil {
		return p.rewriteCompressed(resp, enc)
	}
	rw, err := rewrite(resp.Body, resp.ContentLength, c, p.sel, p.opt.Snippet(req, req.URL.RequestURI()))
	if err != nil {
		return err
	}
	resp.Body = rw.body
	h := resp.Header
	h.Add("Vary", "Accept-Language")
	if rw.unchanged {
		return nil
	}
	resp.ContentLength = rw.length
	h.Del("Content-Length")
	if rw.length >= 0 {
		h.Set("Content-Length", strconv.FormatInt(rw.length, 10))
	}
	h.Del("Content-MD5")
	// The body differs from the upstream's representation: its validator does not hold.
	h.Del("ETag")
	return nil
}

// upstreamError answers when the upstream cannot be reached or breaks off.
func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	p.setHSTS(w.Header())
	status := http.StatusBadGateway
	var mbe *http.MaxBytesError
	switch {
	case slowBody(r):
		status = http.StatusRequestTimeout
	case errors.As(err, &mbe):
		status = http.StatusRequestEntityTooLarge
	case errors.Is(err, context.DeadlineExceeded):
		status = http.StatusGatewayTimeout
	case errors.Is(err, context.Canceled):
		return // the client went away; nobody to answer
	}
	p.opt.ErrorPage(w, r, status, err)
}

// bufferPool reuses the 32 KiB copy buffers of httputil.ReverseProxy (protocol
// upgrades); forward takes its buffers from the same pool.
type bufferPool struct{}

// copyBuffer is what the pool holds: a pointer to an array goes in and out
// as it is, where putting a *[]byte back would allocate a new pointer for
// every request.
type copyBuffer = [32 << 10]byte

var buffers = sync.Pool{New: func() any { return new(copyBuffer) }}

func (bufferPool) Get() []byte { return buffers.Get().(*copyBuffer)[:] }

func (bufferPool) Put(b []byte) {
	if len(b) == len(copyBuffer{}) {
		buffers.Put((*copyBuffer)(b))
	}
}

// incomingPath returns the path the client asked for, given the request
// forwarded for it (SetURL put the upstream's base path in front).
func (p *Proxy) incomingPath(out *http.Request) string {
	path := strings.TrimPrefix(out.URL.Path, strings.TrimSuffix(p.opt.Upstream.Path, "/"))
	if strings.HasPrefix(path, "/") {
		return path // the usual case, without building a string
	}
	return "/" + path
}

// statusRecorder remembers the status written, for metrics. It passes Flush
// and Hijack through (streaming and websockets) via http.ResponseController.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

// recorders reuses the statusRecorders of forwarded requests: the reverse
// proxy keeps no reference to its writer once ServeHTTP has returned (its
// delayed flushes are stopped before), so one can serve the next request.
var recorders = sync.Pool{New: func() any { return new(statusRecorder) }}

func newStatusRecorder(w http.ResponseWriter) *statusRecorder {
	s := recorders.Get().(*statusRecorder)
	s.ResponseWriter = w
	return s
}

// release returns s to the pool; s must not be used after.
func (s *statusRecorder) release() {
	*s = statusRecorder{}
	recorders.Put(s)
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 && code >= 200 { // a 1xx answer comes before the final one
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}

// Flush lets forward and ReverseProxy stream (they flush through the writer
// they are given).
func (s *statusRecorder) Flush() { _ = http.NewResponseController(s.ResponseWriter).Flush() }

// isHTML tells whether a Content-Type is text/html (well formed), with the
// two spellings nearly every sign-in page sends recognised without parsing.
func isHTML(ct string) bool {
	if strings.EqualFold(ct, "text/html; charset=utf-8") || strings.EqualFold(ct, "text/html") {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "text/html"
}
