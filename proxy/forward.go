package proxy

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptrace"
	"net/http/httputil"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
)

// forward sends r to the upstream and copies its answer to w. It does what
// httputil.ReverseProxy with a Rewrite hook does, in the same order, for
// every request but a protocol upgrade, which goes to the library itself
// (p.upgrade): hop-by-hop headers are dropped both ways, client-sent
// forwarding headers replaced, a query that does not parse re-encoded, 1xx
// answers (103 Early Hints) passed on, streamed answers flushed as they
// come, trailers kept, and an answer that breaks off mid-body breaks off
// the client's too. It differs in its allocations: the answer's headers are
// moved to w instead of copied value by value, and no hook structure is
// built per request. TestForwardAsReverseProxy holds the two side by side.
func (p *Proxy) forward(w http.ResponseWriter, in *http.Request) {
	if in.Header["Upgrade"] != nil && hasToken(in.Header, "Connection", "upgrade") {
		p.upgrade.ServeHTTP(w, in)
		return
	}
	hints := &earlyHints{w: w}
	hints.trace.Got1xxResponse = hints.got
	out := in.Clone(httptrace.WithClientTrace(in.Context(), &hints.trace))
	out.Close = false
	if out.Header == nil {
		out.Header = make(http.Header)
	}
	if in.ContentLength == 0 {
		out.Body = nil // lets the transport retry an idempotent request on a closed keep-alive connection
	}
	if out.Body != nil {
		// The transport closes the body it was given when it fails; that
		// must not close the client's, which may still be waiting for a
		// 100-continue. Closed here instead, so that no read outlives the
		// handler.
		b := &keptBody{r: out.Body}
		out.Body = b
		defer b.Close()
	}
	h := out.Header
	dropHopByHop(h)
	if hasToken(in.Header, "Te", "trailers") {
		h["Te"] = teTrailers
	}
	out.URL.RawQuery = cleanQuery(out.URL.RawQuery)
	pr := httputil.ProxyRequest{In: in, Out: out}
	pr.SetURL(p.opt.Upstream)
	p.rewrite(out, in)
	out = p.askIdentity(out, in)
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = noUserAgent // or the transport sends Go's own
	}

	res, err := p.transport.RoundTrip(out)
	hints.done()
	if err != nil {
		p.upstreamError(w, out, err)
		return
	}
	if res.StatusCode == http.StatusSwitchingProtocols {
		res.Body.Close()
		p.upstreamError(w, out, errors.New("upstream switched protocols for a request that asked for none"))
		return
	}
	dropHopByHop(res.Header)
	if err := p.modifyResponse(res); err != nil {
		res.Body.Close()
		p.upstreamError(w, out, err)
		return
	}
	moveHeader(w.Header(), res.Header)
	if len(res.Trailer) > 0 {
		w.Header()["Trailer"] = []string{trailerNames(res.Trailer)}
	}
	announced := len(res.Trailer)
	w.WriteHeader(res.StatusCode)
	if err := p.copyBody(w, res); err != nil {
		res.Body.Close()
		if in.Context().Value(http.ServerContextKey) != nil {
			panic(http.ErrAbortHandler) // the server cuts the client's connection: the answer is not whole
		}
		return
	}
	res.Body.Close() // fills res.Trailer
	if len(res.Trailer) == 0 {
		return
	}
	// Trailers force a chunked answer, even for a short body.
	_ = http.NewResponseController(w).Flush()
	if len(res.Trailer) == announced {
		moveHeader(w.Header(), res.Trailer)
		return
	}
	// Trailers the upstream did not announce go out under their prefix.
	h = w.Header()
	for k, vv := range res.Trailer {
		k = http.TrailerPrefix + k
		h[k] = append(h[k], vv...)
	}
}

// teTrailers and noUserAgent are header values shared by every request:
// each slice has capacity one, so an append copies, and nothing writes into
// a request's header values.
var (
	teTrailers  = []string{"trailers"}
	noUserAgent = []string{""}
)

// earlyHints passes 1xx answers (other than 101) on to the client as they
// come, until the round trip is over.
type earlyHints struct {
	trace httptrace.ClientTrace
	mu    sync.Mutex
	w     http.ResponseWriter // nil once the round trip has returned
}

// got sends a 1xx answer with the upstream's headers alone, and puts back
// the headers frontdoor had set for the final answer: its request ID, and
// Connection: close after a chunked request, which a 100 Continue must not
// take away (RFC 9112, 6.1).
func (e *earlyHints) got(code int, header textproto.MIMEHeader) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.w == nil {
		return nil
	}
	h := e.w.Header()
	own := h.Clone()
	clear(h)
	for k, vv := range header {
		h[k] = vv
	}
	e.w.WriteHeader(code)
	clear(h) // WriteHeader keeps a 1xx answer's headers for the final one
	for k, vv := range own {
		h[k] = vv
	}
	return nil
}

func (e *earlyHints) done() {
	e.mu.Lock()
	e.w = nil
	e.mu.Unlock()
}

// keptBody is a request body whose Close does not close the client's: it
// only stops further reads.
type keptBody struct {
	r      io.ReadCloser
	closed atomic.Bool
}

var errBodyClosed = errors.New("proxy: read of a request body after its request ended")

func (b *keptBody) Read(p []byte) (int, error) {
	if b.closed.Load() {
		return 0, errBodyClosed
	}
	return b.r.Read(p)
}

func (b *keptBody) Close() error {
	b.closed.Store(true)
	return nil
}

// hopHeaders are the headers that concern one connection (RFC 9110, 7.6.1),
// besides those the Connection header names.
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// dropHopByHop removes the hop-by-hop headers from h.
func dropHopByHop(h http.Header) {
	for _, v := range h["Connection"] {
		for name := range strings.SplitSeq(v, ",") {
			name = textproto.TrimString(name)
			switch {
			case name == "":
			case strings.EqualFold(name, "keep-alive"): // in hopHeaders; what browsers send, without building its canonical form
			case strings.EqualFold(name, "close"):
				delete(h, "Close")
			default:
				h.Del(name)
			}
		}
	}
	for _, k := range hopHeaders {
		delete(h, k)
	}
}

// moveHeader adds src's values to dst. A key dst does not have takes src's
// slice as it is, which src's owner no longer uses.
func moveHeader(dst, src http.Header) {
	for k, vv := range src {
		if have, ok := dst[k]; ok {
			dst[k] = append(have, vv...)
		} else {
			dst[k] = vv
		}
	}
}

// trailerNames lists the trailers the upstream announced, for the client.
func trailerNames(t http.Header) string {
	names := make([]string, 0, len(t))
	for k := range t {
		names = append(names, k)
	}
	return strings.Join(names, ", ")
}

// cleanQuery re-encodes a query that a server could split differently than
// frontdoor: one with a semicolon or a broken percent escape. Go's own
// parser drops such parameters; passing them on would let the upstream
// see parameters frontdoor never did.
func cleanQuery(q string) string {
	for i := 0; i < len(q); i++ {
		switch q[i] {
		case ';':
			return reencode(q)
		case '%':
			if i+2 >= len(q) || !isHex(q[i+1]) || !isHex(q[i+2]) {
				return reencode(q)
			}
			i += 2
		}
	}
	return q
}

func reencode(q string) string {
	v, _ := url.ParseQuery(q)
	return v.Encode()
}

// copyBody copies the answer's body to w, flushing after every write when
// the answer streams (server-sent events, or no length given). It returns
// a write error, or a read error other than the end of the body.
func (p *Proxy) copyBody(w http.ResponseWriter, res *http.Response) error {
	var flush func() error
	if res.ContentLength == -1 || isEventStream(res.Header.Get("Content-Type")) {
		flush = http.NewResponseController(w).Flush
		_ = flush() // the headers go out before the first event
	}
	buf := buffers.Get().(*copyBuffer)
	defer buffers.Put(buf)
	for {
		n, rerr := res.Body.Read(buf[:])
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			if flush != nil {
				_ = flush()
			}
		}
		switch {
		case rerr == io.EOF:
			return nil
		case rerr != nil:
			if !errors.Is(rerr, context.Canceled) {
				p.opt.Logger.Warn("upstream answer broken off", "err", rerr)
			}
			return rerr
		}
	}
}

// isEventStream tells whether a Content-Type is text/event-stream, without
// parsing the usual spellings.
func isEventStream(ct string) bool {
	const es = "text/event-stream"
	if len(ct) < len(es) || !strings.EqualFold(ct[:len(es)], es) {
		return false
	}
	if len(ct) == len(es) {
		return true
	}
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == es
}
