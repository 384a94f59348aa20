package flows

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

type testState struct {
	N int `json:"n"`
}

func newEngine(t *testing.T) (*Engine, *time.Time) {
	t.Helper()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"), sqlite.WithNow(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return NewEngine(Options{Flows: st.Flows(), Limits: st.Limits(), Prefix: "/.frontdoor/", Now: clock}), &now
}

// started starts a flow and returns a request that carries its cookie.
func started(t testing.TB, e *Engine, kind string) *http.Request {
	t.Helper()
	rec := httptest.NewRecorder()
	if _, err := e.Start(context.Background(), rec, kind, "one", &testState{}); err != nil {
		t.Fatal(err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].Path != "/.frontdoor/" || cookies[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("flow cookie %+v", cookies)
	}
	r := httptest.NewRequest("GET", "/.frontdoor/x", nil)
	r.AddCookie(cookies[0])
	return r
}

func TestStepsOnlyInOrder(t *testing.T) {
	e, _ := newEngine(t)
	r := started(t, e, "reset")
	var s testState
	f, err := e.Load(r, "reset", &s)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := advanceByID(ctx, e, f.ID, []string{"two"}, func(*testState) (string, error) { return "three", nil }); !errors.Is(err, ErrWrongStep) {
		t.Fatalf("skipping a step: %v", err)
	}
	if err := advanceByID(ctx, e, f.ID, []string{"one"}, func(s *testState) (string, error) { s.N = 7; return "two", nil }); err != nil {
		t.Fatal(err)
	}
	if err := advanceByID(ctx, e, f.ID, []string{"one"}, func(*testState) (string, error) { return "two", nil }); !errors.Is(err, ErrWrongStep) {
		t.Fatalf("replaying a step: %v", err)
	}
	f, err = e.Load(r, "reset", &s)
	if err != nil || f.Step != "two" || s.N != 7 {
		t.Fatalf("after a step: %v %q %+v", err, f.Step, s)
	}
	if _, err := e.Load(r, "unlock", &s); !errors.Is(err, ErrNoFlow) {
		t.Fatalf("a reset flow loaded as an unlock flow: %v", err)
	}
}

func TestParallelStepOneWins(t *testing.T) {
	e, _ := newEngine(t)
	r := started(t, e, "reset")
	var s testState
	f, _ := e.Load(r, "reset", &s)
	var wins, losses atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := advanceByID(context.Background(), e, f.ID, []string{"one"}, func(s *testState) (string, error) { s.N++; return "two", nil })
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, ErrWrongStep):
				losses.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	e.Load(r, "reset", &s)
	if wins.Load() != 1 || losses.Load() != 19 || s.N != 1 {
		t.Fatalf("wins %d losses %d n %d", wins.Load(), losses.Load(), s.N)
	}
}

func TestFlowExpires(t *testing.T) {
	e, now := newEngine(t)
	r := started(t, e, "reset")
	var s testState
	f, err := e.Load(r, "reset", &s)
	if err != nil {
		t.Fatal(err)
	}
	start := *now
	*now = start.Add(TTL - 5*time.Second)
	if _, err := e.Load(r, "reset", &s); err != nil {
		t.Fatalf("flow 5 s before its end: %v, want it loaded", err)
	}
	*now = start.Add(TTL + 5*time.Second)
	if _, err := e.Load(r, "reset", &s); !errors.Is(err, ErrNoFlow) {
		t.Fatalf("expired flow loaded: %v", err)
	}
	if err := advanceByID(context.Background(), e, f.ID, []string{"one"}, func(*testState) (string, error) { return "two", nil }); !errors.Is(err, ErrNoFlow) {
		t.Fatalf("expired flow advanced: %v", err)
	}
}

// TestFinishedFlowKeptBriefly: a flow that reached its last step is kept
// Finished more, not the rest of its TTL; one still going keeps its TTL.
func TestFinishedFlowKeptBriefly(t *testing.T) {
	e, now := newEngine(t)
	ctx := context.Background()
	var s testState
	going, _ := e.Load(started(t, e, "reset"), "reset", &s)
	for _, final := range FinalSteps {
		r := started(t, e, "reset")
		f, err := e.Load(r, "reset", &s)
		if err != nil {
			t.Fatal(err)
		}
		if err := advanceByID(ctx, e, f.ID, []string{"one"}, func(*testState) (string, error) { return final, nil }); err != nil {
			t.Fatal(err)
		}
		if f, err = e.Load(r, "reset", &s); err != nil || !f.ExpiresAt.Equal(now.Add(Finished)) {
			t.Fatalf("a flow at %q expires at %v (%v), want %v", final, f.ExpiresAt, err, now.Add(Finished))
		}
	}
	if err := advanceByID(ctx, e, going.ID, []string{"one"}, func(*testState) (string, error) { return "two", nil }); err != nil {
		t.Fatal(err)
	}
	if f, err := e.flows.Get(ctx, going.ID); err != nil || !f.ExpiresAt.Equal(now.Add(TTL)) {
		t.Fatalf("a flow going on expires at %v (%v), want %v", f.ExpiresAt, err, now.Add(TTL))
	}
}

func TestNoOrForgedCookie(t *testing.T) {
	e, _ := newEngine(t)
	var s testState
	for _, c := range []*http.Cookie{nil, {Name: CookieName("reset"), Value: "forged"}, {Name: CookieName("reset"), Value: string(make([]byte, 200))}} {
		r := httptest.NewRequest("GET", "/", nil)
		if c != nil {
			r.AddCookie(c)
		}
		if _, err := e.Load(r, "reset", &s); !errors.Is(err, ErrNoFlow) {
			t.Errorf("cookie %v: %v", c, err)
		}
	}
}

// TestStoreHoldsNoHandle: the store keeps a flow under the SHA-256 of the
// handle its cookie carries, at start and after a rotation, so that reading
// the store gives no handle to take a flow over with.
func TestStoreHoldsNoHandle(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	rec := httptest.NewRecorder()
	f, err := e.Start(ctx, rec, "reset", "one", &testState{})
	if err != nil {
		t.Fatal(err)
	}
	handle := rec.Result().Cookies()[0].Value
	check := func(when, handle string, f store.Flow) {
		t.Helper()
		if f.ID == handle || f.ID != StoreKey(handle) {
			t.Errorf("%s: flow ID %q, handle %q: want the ID to be the handle's StoreKey", when, f.ID, handle)
		}
		r := httptest.NewRequest("GET", "/.frontdoor/x", nil)
		r.AddCookie(&http.Cookie{Name: CookieName("reset"), Value: handle})
		if got, err := e.Load(r, "reset", &testState{}); err != nil || got.ID != f.ID {
			t.Errorf("%s: Load by the cookie = %+v, %v", when, got, err)
		}
		// What the store holds opens nothing: a cookie carrying a flow's ID
		// (its key, read from the store) is no flow.
		r = httptest.NewRequest("GET", "/.frontdoor/x", nil)
		r.AddCookie(&http.Cookie{Name: CookieName("reset"), Value: f.ID})
		if got, err := e.Load(r, "reset", &testState{}); !errors.Is(err, ErrNoFlow) {
			t.Errorf("%s: a cookie carrying the stored key loads %+v, %v; want ErrNoFlow", when, got, err)
		}
	}
	check("started", handle, f)
	rec = httptest.NewRecorder()
	rotated, err := e.Rotate(ctx, rec, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	check("rotated", rec.Result().Cookies()[0].Value, rotated)
}
