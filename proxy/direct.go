package proxy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// direct is the upstream transport of the requests that make up nearly all
// of a sign-in page's traffic: a GET or HEAD without a body to a plain-http
// upstream. It writes the request and reads the answer on the handler's own
// goroutine, over a pool of kept-alive connections, where http.Transport
// hands each request to a writing and a reading goroutine of the connection
// and back. The wire format stays net/http's own: Request.Write and
// ReadResponse. Every other request (a body, another method, https, a
// protocol upgrade) goes to the http.Transport behind it, which also dials
// the connections. TestDirectAsTransport holds the two side by side.
type direct struct {
	next    *http.Transport
	host    string // the upstream's host, as in its URL
	addr    string // host:port, to dial
	timeout time.Duration
	// maxHeader bounds the bytes of an answer's header, and of the 1xx
	// answers before it that no trace hook took.
	maxHeader int64

	mu    sync.Mutex
	idle  []*directConn // the most recently used last
	sweep *time.Timer   // closes connections idle too long; nil when none are
}

// Limits of a directConn, as http.Transport has them by default.
const (
	directMaxIdle        = 256
	directMaxHeaderBytes = 10 << 20
)

var (
	errDirectTimeout = fmt.Errorf("proxy: upstream sent no answer in time: %w", context.DeadlineExceeded)
	errDirectHeader  = errors.New("proxy: upstream answer headers over the limit")
	errAnswerClosed  = errors.New("proxy: read of an upstream answer's body after it was closed")
)

// upstreamTransport is the transport to the upstream: direct in front of
// an http.Transport where idle connections can be looked at, the
// http.Transport alone elsewhere.
func upstreamTransport(upstream *url.URL, timeout time.Duration) http.RoundTripper {
	t := NewTransport(timeout)
	if !directPeeks {
		return t
	}
	return newDirect(t, upstream, timeout)
}

func newDirect(next *http.Transport, upstream *url.URL, timeout time.Duration) *direct {
	addr := upstream.Host
	if upstream.Port() == "" {
		addr = net.JoinHostPort(upstream.Hostname(), "80")
	}
	return &direct{next: next, host: upstream.Host, addr: addr, timeout: timeout, maxHeader: directMaxHeaderBytes}
}

// takes tells whether r is one direct sends itself.
func (d *direct) takes(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		(r.Body == nil || r.Body == http.NoBody) &&
		r.URL.Scheme == "http" && r.URL.Host == d.host &&
		r.Header["Upgrade"] == nil
}

func (d *direct) RoundTrip(r *http.Request) (*http.Response, error) {
	if !d.takes(r) {
		return d.next.RoundTrip(r)
	}
	if err := validHeader(r.Header); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		c, err := d.conn(r.Context(), attempt > 0)
		if err != nil {
			return nil, err
		}
		res, err := c.roundTrip(d, r)
		if err == nil {
			return res, nil
		}
		c.Close()
		// A kept-alive connection the upstream closed as it sat idle fails
		// before any byte of an answer: the request, a GET or HEAD, is sent
		// again on a new one, as http.Transport does.
		if attempt > 0 || !c.reused || c.lim.read > 0 || r.Context().Err() != nil || errors.Is(err, errDirectTimeout) {
			return nil, err
		}
	}
}

// validHeader refuses a header a request must not carry, as http.Transport
// does before it sends one.
func validHeader(h http.Header) error {
	for k, vv := range h {
		if !httpguts.ValidHeaderFieldName(k) {
			return fmt.Errorf("proxy: invalid header field name %q", k)
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return fmt.Errorf("proxy: invalid header field value for %q", k)
			}
		}
	}
	return nil
}

// conn takes an idle connection, or dials a new one (fresh: always).
func (d *direct) conn(ctx context.Context, fresh bool) (*directConn, error) {
	if !fresh {
		if c := d.takeIdle(); c != nil {
			return c, nil
		}
	}
	nc, err := d.next.DialContext(ctx, "tcp", d.addr)
	if err != nil {
		return nil, err
	}
	c := &directConn{Conn: nc}
	c.idle.init(nc)
	c.lim.r = nc
	c.br = bufio.NewReaderSize(&c.lim, 4<<10)
	c.bw = bufio.NewWriterSize(nc, 4<<10)
	return c, nil
}

func (d *direct) takeIdle() *directConn {
	for {
		d.mu.Lock()
		n := len(d.idle)
		if n == 0 {
			d.mu.Unlock()
			return nil
		}
		c := d.idle[n-1]
		d.idle[n-1] = nil
		d.idle = d.idle[:n-1]
		d.mu.Unlock()
		if (d.next.IdleConnTimeout == 0 || time.Since(c.idleSince) < d.next.IdleConnTimeout) && !c.idle.isStale() {
			c.reused = true
			return c
		}
		c.Close()
	}
}

// put keeps c for the next request, or closes it.
func (d *direct) put(c *directConn) {
	if c.br.Buffered() > 0 { // bytes the upstream sent past its answer
		c.Close()
		return
	}
	c.idleSince = time.Now()
	d.mu.Lock()
	if len(d.idle) >= directMaxIdle {
		d.mu.Unlock()
		c.Close()
		return
	}
	d.idle = append(d.idle, c)
	if d.sweep == nil && d.next.IdleConnTimeout > 0 {
		d.sweep = time.AfterFunc(d.next.IdleConnTimeout, d.sweepIdle)
	}
	d.mu.Unlock()
}

// sweepIdle closes the connections idle for longer than IdleConnTimeout:
// the oldest are first in the list.
func (d *direct) sweepIdle() {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for n < len(d.idle) && time.Since(d.idle[n].idleSince) >= d.next.IdleConnTimeout {
		d.idle[n].Close()
		n++
	}
	d.idle = append(d.idle[:0], d.idle[n:]...)
	clear(d.idle[len(d.idle):cap(d.idle)])
	d.sweep = nil
	if len(d.idle) > 0 {
		d.sweep = time.AfterFunc(d.next.IdleConnTimeout-time.Since(d.idle[0].idleSince), d.sweepIdle)
	}
}

// CloseIdleConnections closes the idle connections of both transports; it
// is what http.Client and tests call when done.
func (d *direct) CloseIdleConnections() {
	d.mu.Lock()
	for _, c := range d.idle {
		c.Close()
	}
	clear(d.idle)
	d.idle = d.idle[:0]
	if d.sweep != nil {
		d.sweep.Stop()
		d.sweep = nil
	}
	d.mu.Unlock()
	d.next.CloseIdleConnections()
}

// directConn is one kept-alive connection to the upstream.
type directConn struct {
	net.Conn
	idle      idleCheck
	lim       countingReader
	br        *bufio.Reader
	bw        *bufio.Writer
	reused    bool
	idleSince time.Time
}

// countingReader counts the bytes read from a connection for one request,
// and fails past a limit.
type countingReader struct {
	r     io.Reader
	read  int64
	limit int64
}

func (l *countingReader) Read(p []byte) (int, error) {
	if l.read >= l.limit {
		return 0, errDirectHeader
	}
	if rest := l.limit - l.read; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

// roundTrip sends r on c and reads the answer's header. The answer's body
// reads from c, and gives c back to d when read to its end.
func (c *directConn) roundTrip(d *direct, r *http.Request) (*http.Response, error) {
	c.lim.read, c.lim.limit = 0, d.maxHeader
	ctx := r.Context()
	// The client going away cuts the connection: a read or write in
	// progress fails at once, and so does any later one (a deadline could
	// be lifted after it was set).
	stop := context.AfterFunc(ctx, func() { c.Conn.Close() })
	if d.timeout > 0 {
		c.SetReadDeadline(time.Now().Add(d.timeout))
	}
	if err := r.Write(c.bw); err != nil {
		stop()
		return nil, c.failed(ctx, err)
	}
	if err := c.bw.Flush(); err != nil {
		stop()
		return nil, c.failed(ctx, err)
	}
	trace := httptrace.ContextClientTrace(ctx)
	for {
		res, err := http.ReadResponse(c.br, r)
		if err != nil {
			stop()
			return nil, c.failed(ctx, err)
		}
		if res.StatusCode >= 100 && res.StatusCode < 200 && res.StatusCode != http.StatusSwitchingProtocols {
			// As http.Transport: a 1xx answer a hook takes starts the
			// header limit over; the others count against it.
			if trace != nil && trace.Got1xxResponse != nil {
				if err := trace.Got1xxResponse(res.StatusCode, textproto.MIMEHeader(res.Header)); err != nil {
					stop()
					return nil, err
				}
				c.lim.limit = c.lim.read + d.maxHeader
			}
			continue
		}
		if d.timeout > 0 {
			c.SetReadDeadline(time.Time{})
		}
		c.lim.limit = math.MaxInt64
		keep := !res.Close && !r.Close && !hasToken(r.Header, "Connection", "close") && res.StatusCode != http.StatusSwitchingProtocols
		b := &directBody{body: res.Body, ctx: ctx, d: d, c: c, stop: stop, keep: keep}
		if res.Body == http.NoBody {
			b.finish(true)
			return res, nil
		}
		res.Body = b
		return res, nil
	}
}

// failed says why a round trip on c failed: the client's context ending, or
// the upstream's timeout, before what the connection reported.
func (c *directConn) failed(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if errors.Is(err, errDirectHeader) {
		return err
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errDirectTimeout
	}
	return err
}

// directBody is an answer's body on a directConn; read to its end, it gives
// the connection back for the next request, and closed before, it closes it.
type directBody struct {
	body  io.ReadCloser
	ctx   context.Context
	d     *direct
	c     *directConn
	stop  func() bool
	keep  bool
	ended atomic.Bool
	whole atomic.Bool // read to its end
}

func (b *directBody) Read(p []byte) (int, error) {
	if b.whole.Load() {
		return 0, io.EOF
	}
	if b.ended.Load() {
		return 0, errAnswerClosed
	}
	n, err := b.body.Read(p)
	switch {
	case err == io.EOF:
		b.whole.Store(true)
		b.finish(true)
	case err != nil:
		err = b.c.failed(b.ctx, err)
		b.finish(false)
	}
	return n, err
}

// Close closes the connection of a body not read to its end, which also
// ends a read in progress.
func (b *directBody) Close() error {
	b.finish(false)
	return nil
}

// finish ends the body's hold on its connection, once: back to the pool
// when the answer was read whole and the connection may be kept, closed
// otherwise.
func (b *directBody) finish(whole bool) {
	if !b.ended.CompareAndSwap(false, true) {
		return
	}
	cut := !b.stop() // the context ended: the connection is closed
	if !whole || !b.keep || cut {
		b.c.Close()
		return
	}
	b.d.put(b.c)
}
