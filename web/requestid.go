package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
)

// RequestIDHeader carries a request's ID in requests and responses.
const RequestIDHeader = "X-Request-Id"

type ctxKey int

const (
	requestIDKey ctxKey = iota
	loggerKey
	scopeKey
)

// scope is what RequestIDs.Scope puts in a request's context: the ID, and
// the logger carrying it, made on first use (slog's With costs more than the
// rest of the middleware, and most requests never log).
type scope struct {
	id   string
	base *slog.Logger
	log  atomic.Pointer[slog.Logger]
}

func (s *scope) logger() *slog.Logger {
	if l := s.log.Load(); l != nil {
		return l
	}
	l := s.base.With("request_id", s.id)
	s.log.Store(l)
	return l
}

// RequestIDs gives each request an ID and a logger that carries it.
type RequestIDs struct {
	// Logger is the base logger; slog.Default() when nil.
	Logger *slog.Logger
	// Trust, when set and true for a request (one that came through a trusted
	// proxy), keeps the request's own X-Request-Id if it is well formed: 1 to
	// 128 characters among letters, digits and "._:-". Otherwise every
	// request gets a fresh random ID.
	Trust func(*http.Request) bool
}

// Handler is Stamp and Scope together: the request gets an ID, and its
// context the ID (RequestID) and a logger with a request_id attribute
// (Logger).
func (o RequestIDs) Handler(next http.Handler) http.Handler { return o.Stamp(o.Scope(next)) }

// Stamp wraps next: the response gets the X-Request-Id header, and so does
// the request, replacing any untrusted one, so that an upstream that logs it
// logs the same ID. The request's context is left as it is: copying the
// request to give it a context value was most of the middleware's cost, and
// a request passed through to the upstream logs only when it fails, through
// Pages.Error, which finds the ID in the response's header. Handlers that log
// more wrap themselves in Scope.
func (o RequestIDs) Stamp(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v []string // one slice for both: capacity 1, so an append to either is a copy
		if o.Trust != nil && o.Trust(r) {
			if in := r.Header[RequestIDHeader]; len(in) > 0 && validRequestID(in[0]) {
				v = in[:1:1]
			}
		}
		if v == nil {
			v = newRequestIDValue()
		}
		r.Header[RequestIDHeader] = v
		w.Header()[RequestIDHeader] = v
		next.ServeHTTP(w, r)
	})
}

// Scope wraps next, behind Stamp: the request's context gets the ID Stamp
// gave it and a logger carrying it.
func (o RequestIDs) Scope(next http.Handler) http.Handler {
	base := o.Logger
	if base == nil {
		base = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := r.Header[RequestIDHeader]
		if len(v) == 0 || !validRequestID(v[0]) { // not behind Stamp, which it must be: it believes any well-formed ID
			next.ServeHTTP(w, r)
			return
		}
		ctx := context.WithValue(r.Context(), scopeKey, &scope{id: v[0], base: base})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// NewRequestID returns 128 random bits in hex.
func NewRequestID() string { return newRequestIDValue()[0] }

// idsPerBlock is how many request IDs are made at once. A request passed
// through would otherwise make two allocations for its ID alone, the text
// and the header's slice, and with them more than the bare reverse proxy it
// is measured against; a block makes two for all of its IDs.
const idsPerBlock = 64

// idBlock holds IDs not given out yet, each a header value of its own.
type idBlock struct {
	vals []string
	next int
}

// idBlocks keeps a block per processor in use, so that requests on
// different processors never wait for each other.
var idBlocks = sync.Pool{New: func() any { return new(idBlock) }}

// newRequestIDValue returns a fresh ID as a header value: a slice of length
// and capacity one, so that appending to it copies it and never reaches the
// ID of another request.
func newRequestIDValue() []string {
	b := idBlocks.Get().(*idBlock)
	if b.next == len(b.vals) {
		b.fill()
	}
	v := b.vals[b.next : b.next+1 : b.next+1]
	b.next++
	idBlocks.Put(b)
	return v
}

// fill makes idsPerBlock IDs from one random read into one string. An ID
// kept after its request (in a queued mail, say) keeps the block's 2 KiB
// alive; the stores copy what they write, so nothing keeps many.
func (b *idBlock) fill() {
	var raw [idsPerBlock * 16]byte
	var text [idsPerBlock * 32]byte
	rand.Read(raw[:])
	hex.Encode(text[:], raw[:])
	all := string(text[:])
	b.vals = make([]string, idsPerBlock)
	for i := range b.vals {
		b.vals[i] = all[i*32 : (i+1)*32]
	}
	b.next = 0
}

func validRequestID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == ':' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// WithRequestID returns ctx carrying a request ID.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the request ID ctx carries, or "".
func RequestID(ctx context.Context) string {
	if id, ok := ctx.Value(requestIDKey).(string); ok {
		return id
	}
	if s, ok := ctx.Value(scopeKey).(*scope); ok {
		return s.id
	}
	return ""
}

// WithLogger returns ctx carrying a logger.
func WithLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey, l)
}

// Logger returns the logger ctx carries (with the request_id attribute when
// set by RequestIDs), or slog.Default().
func Logger(ctx context.Context) *slog.Logger {
	if l := contextLogger(ctx); l != nil {
		return l
	}
	return slog.Default()
}

// contextLogger returns the logger ctx carries, or nil.
func contextLogger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok && l != nil {
		return l
	}
	if s, ok := ctx.Value(scopeKey).(*scope); ok {
		return s.logger()
	}
	return nil
}
