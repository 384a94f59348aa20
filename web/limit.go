package web

import (
	"bytes"
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"time"
)

// A request in progress costs about 35 KB (its goroutine's stack grown by
// the work, the flow, the directory's replies, the page being rendered);
// a request that has not been read yet costs little more than its
// connection. When many arrive at once, as on a busy morning or a slow
// machine, serving them all at once makes memory grow with their number:
// Limiter serves a bounded number and queues the rest, unread, in order of
// arrival (docs/benchmarks.md, "Memory").

// ErrBusy is the error of a request that waited for a slot longer than the
// limiter's wait: it is answered 503 with Retry-After and the "busy" page.
// Nothing of it was read, so nothing was done: the user tries again.
var ErrBusy = errors.New("too many requests in progress; the request waited too long for its turn")

// BusyRetryAfter is the Retry-After, in seconds, of a request turned away
// by a Limiter.
const BusyRetryAfter = 5

// LimitOptions configures a Limiter.
type LimitOptions struct {
	// Max is the number of requests served at once; 0 or less: no bound.
	Max int
	// Wait is how long a request waits for a slot before it is answered
	// 503; 0: until its context ends.
	Wait time.Duration
	// Pages renders the 503 page.
	Pages *Pages
	// Waiting, when set, is told +1 when a request starts waiting for a
	// slot and -1 when it stops (a gauge); Rejected when one is turned away.
	Waiting  func(delta int)
	Rejected func()
}

// Limiter bounds how many requests its Handler serves at once. A request
// beyond waits, first come first served, until a slot frees, its context
// ends, or LimitOptions.Wait passes. A handler that sleeps (a timing floor)
// gives its slot up meanwhile with Yield, and takes one back before going
// on, ahead of requests that have not started.
type Limiter struct {
	opt LimitOptions

	mu   sync.Mutex
	busy int
	// resume holds the yielded requests waiting to go on, fresh the new
	// ones; resume is served first, since its requests hold memory already.
	resume, fresh list.List // of chan struct{}
}

// NewLimiter returns a Limiter; with opt.Max 0 or less its Handler is the
// handler it is given.
func NewLimiter(opt LimitOptions) *Limiter {
	return &Limiter{opt: opt}
}

// slotKey finds a request's slot in its context.
type slotKey struct{}

// slot is a request's hold on one of the limiter's places. It is used by
// the request's handler goroutine only.
type slot struct {
	l    *Limiter
	held bool
}

// Handler serves next under the bound.
func (l *Limiter) Handler(next http.Handler) http.Handler {
	if l == nil || l.opt.Max <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if r.Body != nil && r.Body != http.NoBody {
			// The body is read before the request takes a place: a client
			// that sends its headers and then trickles the body must not
			// hold one meanwhile (server.read_timeout ends it).
			r.Body = preRead(r.Body)
		}
		if err := l.acquire(ctx, &l.fresh, l.opt.Wait); err != nil {
			if errors.Is(err, ErrBusy) {
				l.reject(w, r)
			}
			return // the client is gone: no one to answer
		}
		s := &slot{l: l, held: true}
		r = r.WithContext(context.WithValue(ctx, slotKey{}, s))
		// The work runs on a goroutine of its own, not the connection's:
		// the deep stack it grows (templates, LDAP, the store) is freed
		// when it ends, instead of staying with the connection while it
		// waits, idle, for the user's next request.
		done := make(chan any, 1)
		go func() {
			defer func() {
				s.release()
				done <- recovered(recover())
			}()
			next.ServeHTTP(w, r)
		}()
		if p := <-done; p != nil {
			panic(p) // as if next had panicked here: net/http logs it and closes the connection
		}
	})
}

// preReadBytes is how much of a body is read before the request takes a
// place: more than any of frontdoor's forms (at most 32 KiB); the rest of a
// longer body is read in place.
const preReadBytes = 64 << 10

// preRead reads up to preReadBytes of body now and returns a body that gives
// them, then the rest (or the error the read met, when it met one).
func preRead(body io.ReadCloser) io.ReadCloser {
	head, err := io.ReadAll(io.LimitReader(body, preReadBytes))
	rest := io.Reader(body)
	if err != nil {
		rest = errorReader{err}
	}
	return readCloser{io.MultiReader(bytes.NewReader(head), rest), body}
}

type errorReader struct{ err error }

func (e errorReader) Read([]byte) (int, error) { return 0, e.err }

type readCloser struct {
	io.Reader
	io.Closer
}

// recovered is what the serving goroutine panics with when the work's
// goroutine panicked with p: http.ErrAbortHandler as it is (net/http aborts
// silently), anything else with the stack where it happened, which the
// panic on the serving goroutine would not show.
func recovered(p any) any {
	if p == nil || p == http.ErrAbortHandler {
		return p
	}
	return fmt.Sprintf("%v\n\n%s", p, debug.Stack())
}

func (l *Limiter) reject(w http.ResponseWriter, r *http.Request) {
	if l.opt.Rejected != nil {
		l.opt.Rejected()
	}
	w.Header().Set("Retry-After", strconv.Itoa(BusyRetryAfter))
	err := &StatusError{Status: http.StatusServiceUnavailable, Err: ErrBusy, Part: "busy"}
	if l.opt.Pages == nil {
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		return
	}
	l.opt.Pages.Error(w, r, http.StatusServiceUnavailable, err)
}

// Yield runs fn, which waits (a sleep), without holding the request's slot,
// so that other requests are served meanwhile, and then waits for a slot
// again before returning; a request that yielded goes ahead of those that
// have not started. If ctx ends during that wait, Yield returns without a
// slot (the client is gone; the handler finishes unbounded). Outside a
// Limiter's handler, Yield just runs fn. Call it from the handler's own
// goroutine.
func Yield(ctx context.Context, fn func()) {
	s, _ := ctx.Value(slotKey{}).(*slot)
	if s == nil || !s.held {
		fn()
		return
	}
	s.release()
	fn()
	if s.l.acquire(ctx, &s.l.resume, 0) == nil {
		s.held = true
	}
}

func (s *slot) release() {
	if s.held {
		s.held = false
		s.l.release()
	}
}

// acquire takes a slot, waiting in queue q at most wait (0: no limit) or
// until ctx ends.
func (l *Limiter) acquire(ctx context.Context, q *list.List, wait time.Duration) error {
	l.mu.Lock()
	// Waiters queue only while every slot is busy (release hands a slot
	// to the first waiter rather than freeing it), so a free slot means
	// that no one waits.
	if l.busy < l.opt.Max {
		l.busy++
		l.mu.Unlock()
		return nil
	}
	ready := make(chan struct{})
	e := q.PushBack(ready)
	l.mu.Unlock()
	l.waiting(1)
	defer l.waiting(-1)

	var expired <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		expired = t.C
	}
	var err error
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-expired:
		err = ErrBusy
	}
	l.mu.Lock()
	select {
	case <-ready: // granted meanwhile: pass the slot on
		l.mu.Unlock()
		l.release()
		return err
	default:
	}
	q.Remove(e)
	l.mu.Unlock()
	return err
}

// release frees a slot, handing it to the first waiter if there is one.
func (l *Limiter) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, q := range []*list.List{&l.resume, &l.fresh} {
		if e := q.Front(); e != nil {
			q.Remove(e)
			close(e.Value.(chan struct{})) // the slot passes on: busy stays
			return
		}
	}
	l.busy--
}

func (l *Limiter) waiting(delta int) {
	if l.opt.Waiting != nil {
		l.opt.Waiting(delta)
	}
}
