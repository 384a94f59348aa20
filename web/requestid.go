package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
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

// scope is what RequestIDs puts in a request's context: the ID, and the
// logger carrying it, made on first use. Most requests (everything proxied)
// never log, and slog's With costs more than the rest of the middleware.
type scope struct {
	id   string
	base *slog.Logger
	log  atomic.Pointer[slog.Logger]
	// header is the X-Request-Id value of the request and the response, in
	// the same allocation as the scope.
	header [1]string
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

// Handler wraps next: the request's context gets the ID (RequestID) and a
// logger with a request_id attribute (Logger); the response gets the
// X-Request-Id header, and so does the request, replacing any untrusted one,
// so that an upstream that logs it logs the same ID.
func (o RequestIDs) Handler(next http.Handler) http.Handler {
	base := o.Logger
	if base == nil {
		base = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := ""
		if o.Trust != nil && o.Trust(r) {
			if in := r.Header.Get(RequestIDHeader); validRequestID(in) {
				id = in
			}
		}
		if id == "" {
			id = NewRequestID()
		}
		s := &scope{id: id, base: base, header: [1]string{id}}
		v := s.header[:] // one slice for both: neither is appended to in place (capacity 1)
		r.Header[RequestIDHeader] = v
		w.Header()[RequestIDHeader] = v
		ctx := context.WithValue(r.Context(), scopeKey, s)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// NewRequestID returns 128 random bits in hex.
func NewRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
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
