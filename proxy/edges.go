package proxy

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// hstsHeader is the response header of HTTP Strict Transport Security.
const hstsHeader = "Strict-Transport-Security"

// setHSTS adds frontdoor's HSTS value to a response frontdoor writes itself.
func (p *Proxy) setHSTS(h http.Header) {
	if p.opt.HSTS != "" {
		h.Set(hstsHeader, p.opt.HSTS)
	}
}

// closeAfterChunked closes the connection after answering a chunked
// HTTP/1.1 request. Go's server reads a request with both Content-Length and
// Transfer-Encoding by the chunked framing and drops Content-Length before
// any handler sees it, so frontdoor cannot tell such a request from a plain
// chunked one; RFC 9112 (6.1) requires closing the connection after it,
// since a proxy in front may have framed it by Content-Length and would
// otherwise have the rest read as a second, smuggled request. Browsers never
// send chunked request bodies over HTTP/1.1, so closing costs them nothing.
func closeAfterChunked(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor == 1 && len(r.TransferEncoding) > 0 {
		w.Header().Set("Connection", "close")
	}
}

// limitBodyTime gives the client d from now to send the whole request body:
// a read deadline on the connection, lifted when the body ends, so that a
// long response, and a websocket after its upgrade, are not cut. (Go's
// server also clears the deadline itself when the body ends, as it starts
// its background read, and on Hijack; lifting it here does not depend on
// that.) It is not a request deadline, which would cut responses. Requests
// without a body, as websocket upgrades are, get no deadline; an Upgrade
// header on a request with a body does not spare it. It returns the request
// to go on with.
func limitBodyTime(w http.ResponseWriter, r *http.Request, d time.Duration) *http.Request {
	if d <= 0 || r.Body == nil || r.Body == http.NoBody {
		return r
	}
	deadline := time.Now().Add(d)
	rc := http.NewResponseController(w)
	if rc.SetReadDeadline(deadline) != nil {
		return r // the connection cannot have deadlines (a test recorder)
	}
	b := &timedBody{ReadCloser: r.Body, rc: rc, deadline: deadline}
	r = r.WithContext(context.WithValue(r.Context(), timedBodyKey{}, b))
	r.Body = b
	return r
}

// timedBodyKey finds a request's timedBody from its context: the reverse
// proxy hands its error handler a copy of the request with the body wrapped.
type timedBodyKey struct{}

// timedBody lifts the read deadline when the body has been read, and
// records that it was.
type timedBody struct {
	io.ReadCloser
	rc       *http.ResponseController
	deadline time.Time
	done     atomic.Bool // read by the handler, set by the transport's writer
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && b.done.CompareAndSwap(false, true) {
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// slowBody tells whether r failed because its body did not arrive in time.
// The expired read deadline also cancels the request's context, so the
// forwarding may fail with context.Canceled before the body read reports
// the timeout; an unfinished body past its deadline says which it was.
func slowBody(r *http.Request) bool {
	b, ok := r.Context().Value(timedBodyKey{}).(*timedBody)
	return ok && !b.done.Load() && !time.Now().Before(b.deadline)
}
