package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/templates"
)

// gauge follows a Limiter's Waiting and Rejected counts.
type gauge struct{ waiting, rejected atomic.Int64 }

func (g *gauge) options(max int, wait time.Duration, pages *Pages) LimitOptions {
	return LimitOptions{Max: max, Wait: wait, Pages: pages,
		Waiting: func(d int) { g.waiting.Add(int64(d)) }, Rejected: func() { g.rejected.Add(1) }}
}

// until polls cond (a state the test waits for, not a duration it measures).
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
	}
}

// serve runs h for a GET of path in a goroutine; the recorder is ready when
// done is closed.
func serve(ctx context.Context, h http.Handler, path string) (*httptest.ResponseRecorder, chan struct{}) {
	rec, done := httptest.NewRecorder(), make(chan struct{})
	r := httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx)
	go func() { defer close(done); h.ServeHTTP(rec, r) }()
	return rec, done
}

func TestLimiterServesAtMostMax(t *testing.T) {
	const max, callers = 3, 10
	var g gauge
	var in, most atomic.Int64
	entered, leave := make(chan struct{}, callers), make(chan struct{})
	h := NewLimiter(g.options(max, 0, nil)).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := in.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		entered <- struct{}{}
		<-leave
		in.Add(-1)
		w.WriteHeader(http.StatusNoContent)
	}))
	var recs []*httptest.ResponseRecorder
	var dones []chan struct{}
	for range callers {
		rec, done := serve(context.Background(), h, "/")
		recs, dones = append(recs, rec), append(dones, done)
	}
	for range max {
		<-entered
	}
	until(t, "the others wait", func() bool { return g.waiting.Load() == callers-max })
	select {
	case <-entered:
		t.Fatalf("a request beyond the %d slots was served", max)
	default:
	}
	close(leave)
	for i, done := range dones {
		<-done
		if recs[i].Code != http.StatusNoContent {
			t.Errorf("request %d: status %d", i, recs[i].Code)
		}
	}
	if most.Load() != max || g.waiting.Load() != 0 || g.rejected.Load() != 0 {
		t.Errorf("at most %d at once, %d waiting, %d rejected; want %d, 0, 0", most.Load(), g.waiting.Load(), g.rejected.Load(), max)
	}
}

func TestLimiterCancelledWaiterLeaves(t *testing.T) {
	var g gauge
	var served atomic.Int64
	leave := make(chan struct{})
	h := NewLimiter(g.options(1, 0, nil)).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		if r.URL.Path == "/hold" {
			<-leave
		}
	}))
	_, holding := serve(context.Background(), h, "/hold")
	until(t, "the first request is served", func() bool { return served.Load() == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	rec, gone := serve(ctx, h, "/gone")
	until(t, "the second waits", func() bool { return g.waiting.Load() == 1 })
	cancel() // the client went away
	<-gone
	if served.Load() != 1 || g.waiting.Load() != 0 || rec.Body.Len() != 0 {
		t.Errorf("cancelled waiter: served %d, waiting %d, body %q", served.Load(), g.waiting.Load(), rec.Body)
	}
	close(leave)
	<-holding
	// The cancelled waiter took no slot with it: the next request is served.
	_, next := serve(context.Background(), h, "/next")
	<-next
	if served.Load() != 2 {
		t.Errorf("after the holder left, %d served, want 2", served.Load())
	}
}

func TestLimiterTimeoutIsBusyPage(t *testing.T) {
	set, err := templates.New(templates.Options{Organization: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	var g gauge
	leave := make(chan struct{})
	var served atomic.Int64
	h := NewLimiter(g.options(1, 20*time.Millisecond, &Pages{Templates: set, Home: "/login"})).Handler(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served.Add(1); <-leave }))
	_, holding := serve(context.Background(), h, "/hold")
	until(t, "the first request is served", func() bool { return served.Load() == 1 })
	rec, done := serve(context.Background(), h, "/turned-away")
	<-done
	close(leave)
	<-holding
	body := rec.Body.String()
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "5" {
		t.Errorf("status %d, Retry-After %q; want 503, 5", rec.Code, rec.Header().Get("Retry-After"))
	}
	if !strings.Contains(body, "This service is busy") || !strings.Contains(body, "Nothing was changed") {
		t.Errorf("busy page missing its message:\n%s", body)
	}
	if served.Load() != 1 || g.rejected.Load() != 1 || g.waiting.Load() != 0 {
		t.Errorf("served %d, rejected %d, waiting %d; want 1, 1, 0", served.Load(), g.rejected.Load(), g.waiting.Load())
	}
}

// TestYieldLetsOthersIn: a request sleeping in Yield holds no slot, and once
// awake it goes on before requests that have not started.
func TestYieldLetsOthersIn(t *testing.T) {
	var g gauge
	var mu sync.Mutex
	var order []string
	note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	asleep, wake, bEntered, bLeave := make(chan struct{}), make(chan struct{}), make(chan struct{}), make(chan struct{})
	h := NewLimiter(g.options(1, 0, nil)).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a":
			note("a starts")
			Yield(r.Context(), func() { close(asleep); <-wake })
			note("a goes on")
		case "/b":
			note("b starts")
			close(bEntered)
			<-bLeave
		case "/c":
			note("c starts")
		}
	}))
	_, aDone := serve(context.Background(), h, "/a")
	<-asleep
	_, bDone := serve(context.Background(), h, "/b")
	<-bEntered // a's slot, given up while it sleeps
	_, cDone := serve(context.Background(), h, "/c")
	until(t, "c waits", func() bool { return g.waiting.Load() == 1 })
	close(wake)
	until(t, "a waits for a slot again", func() bool { return g.waiting.Load() == 2 })
	close(bLeave)
	<-aDone
	<-bDone
	<-cDone
	want := "a starts, b starts, a goes on, c starts"
	if got := strings.Join(order, ", "); got != want {
		t.Errorf("order %q, want %q", got, want)
	}
}

func TestYieldWithoutLimiter(t *testing.T) {
	ran := false
	Yield(context.Background(), func() { ran = true })
	if !ran {
		t.Error("Yield outside a limited request did not run fn")
	}
}

func TestLimiterWithoutBound(t *testing.T) {
	const callers = 20
	var in sync.WaitGroup
	in.Add(callers)
	all := make(chan struct{})
	h := NewLimiter(LimitOptions{Max: 0}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in.Done()
		<-all // every caller must be in at once for any to leave
	}))
	var dones []chan struct{}
	for range callers {
		_, done := serve(context.Background(), h, "/")
		dones = append(dones, done)
	}
	in.Wait()
	close(all)
	for _, d := range dones {
		<-d
	}
}

// TestLimiterPanicReachesTheServer: a handler that panics, which runs on a
// goroutine of its own, panics on the serving goroutine as net/http expects
// (it logs it and closes the connection), and frees its place.
func TestLimiterPanicReachesTheServer(t *testing.T) {
	h := NewLimiter(LimitOptions{Max: 1}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/abort" {
			panic(http.ErrAbortHandler)
		}
		if r.URL.Path == "/boom" {
			panic("boom")
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	for path, want := range map[string]func(any) bool{
		"/abort": func(p any) bool { return p == http.ErrAbortHandler },
		"/boom": func(p any) bool {
			s, ok := p.(string)
			return ok && strings.HasPrefix(s, "boom\n") && strings.Contains(s, "limit_test.go")
		},
	} {
		func() {
			defer func() {
				if p := recover(); !want(p) {
					t.Errorf("%s: the server saw the panic %v", path, p)
				}
			}()
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
		}()
	}
	rec, done := serve(context.Background(), h, "/ok")
	<-done
	if rec.Code != http.StatusNoContent {
		t.Errorf("after two panics: status %d, want 204 (a place was lost)", rec.Code)
	}
}

// TestSlowBodyHoldsNoPlace: a request whose body has not arrived waits for
// it without a place, so others are served meanwhile; it gets its whole body
// once it arrives.
func TestSlowBodyHoldsNoPlace(t *testing.T) {
	var g gauge
	h := NewLimiter(g.options(1, time.Second, nil)).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+string(b))
	}))
	pr, pw := io.Pipe()
	slow, slowDone := httptest.NewRecorder(), make(chan struct{})
	go func() {
		defer close(slowDone)
		h.ServeHTTP(slow, httptest.NewRequest(http.MethodPost, "/", pr))
	}()
	pw.Write([]byte("a=1")) // headers and the start of the body, then nothing
	rec, done := serve(context.Background(), h, "/")
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a GET waited behind a POST whose body had not arrived")
	}
	if rec.Code != http.StatusOK || rec.Body.String() != "GET " {
		t.Fatalf("GET: %d %q", rec.Code, rec.Body.String())
	}
	pw.Write([]byte("&b=2"))
	pw.Close()
	<-slowDone
	if slow.Body.String() != "POST a=1&b=2" {
		t.Fatalf("POST: %d %q", slow.Code, slow.Body.String())
	}
}

func TestSingleValue(t *testing.T) {
	for body, want := range map[string]string{
		"captcha=123456":                "123456",
		"captcha=":                      "",
		"other=1":                       "",
		"captcha=123456&captcha=123456": "",
		"captcha=000000&captcha=123456": "",
		"captcha%5B%5D=123456":          "",
	} {
		r := httptest.NewRequest("POST", "/?captcha=123456", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if got := SingleValue(r, "captcha"); got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
}
