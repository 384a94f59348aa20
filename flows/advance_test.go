package flows

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// bump is a step that counts in the state and stays at "one".
func bump(seen *int) func(*testState) (string, error) {
	return func(s *testState) (string, error) {
		*seen = s.N
		s.N++
		return "one", nil
	}
}

// advanceByID is Advance of flow id as stored: the flow is read first.
func advanceByID[S any](ctx context.Context, e *Engine, id string, from []string, fn func(s *S) (string, error)) error {
	_, err := Advance(ctx, e, store.Flow{ID: id}, from, fn)
	return err
}

// loaded returns the flow r carries as Load returns it.
func loaded(t *testing.T, e *Engine, r *http.Request) store.Flow {
	t.Helper()
	var s testState
	f, err := e.Load(r, "reset", &s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// loadTest loads the flow r carries.
func loadTest(t *testing.T, e *Engine, r *http.Request) testState {
	t.Helper()
	var s testState
	if _, err := e.Load(r, "reset", &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAdvanceKnown: a loaded flow advances from its copy, and the flow
// returned advances again; what is stored is what was returned.
func TestAdvanceKnown(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	r := started(t, e, "reset")
	f := loaded(t, e, r)
	var (
		seen int
		err  error
	)
	for want := range 3 {
		if f, err = Advance(ctx, e, f, []string{"one"}, bump(&seen)); err != nil || seen != want {
			t.Fatalf("Advance() = %v; fn saw %d, want %d", err, seen, want)
		}
	}
	var s testState
	stored, err := e.Load(r, "reset", &s)
	if err != nil || s.N != 3 || Binding(stored) != Binding(f) || string(stored.Data) != string(f.Data) {
		t.Fatalf("stored %+v (n %d, %v), returned %+v", stored, s.N, err, f)
	}
}

// TestAdvanceKnownAfterOthers: a flow saved by another request since it
// was loaded is advanced from what is stored: fn sees the other's change,
// and a step the other moved on from is ErrWrongStep.
func TestAdvanceKnownAfterOthers(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	r := started(t, e, "reset")
	f := loaded(t, e, r)
	var seen int
	if err := advanceByID(ctx, e, f.ID, []string{"one"}, bump(&seen)); err != nil {
		t.Fatal(err)
	}
	if _, err := Advance(ctx, e, f, []string{"one"}, bump(&seen)); err != nil || seen != 1 || loadTest(t, e, r).N != 2 {
		t.Fatalf("Advance() = %v; fn last saw %d, want the other's 1", err, seen)
	}
	if err := advanceByID(ctx, e, f.ID, []string{"one"}, func(*testState) (string, error) { return "two", nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := Advance(ctx, e, f, []string{"one"}, bump(&seen)); !errors.Is(err, ErrWrongStep) {
		t.Fatalf("Advance() of a flow moved on = %v, want ErrWrongStep", err)
	}
}

// TestAdvanceKnownGone: an expired or deleted flow is ErrNoFlow, as for
// Advance.
func TestAdvanceKnownGone(t *testing.T) {
	e, now := newEngine(t)
	ctx := context.Background()
	deleted := loaded(t, e, started(t, e, "reset"))
	if err := e.flows.Delete(ctx, deleted.ID); err != nil {
		t.Fatal(err)
	}
	expired := loaded(t, e, started(t, e, "reset"))
	*now = now.Add(TTL)
	var seen int
	for name, fl := range map[string]store.Flow{"deleted": deleted, "expired": expired} {
		if _, err := Advance(ctx, e, fl, []string{"one"}, bump(&seen)); !errors.Is(err, ErrNoFlow) {
			t.Errorf("Advance(%s) = %v, want ErrNoFlow", name, err)
		}
	}
}

// TestAdvanceKnownOffer: an offered flow is not in the store, and
// advancing it stores nothing; once kept, the kept flow advances and the
// offer's copy still does not.
func TestAdvanceKnownOffer(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	r, _ := offered(t, e, "reset", testState{N: 7})
	f := loaded(t, e, r)
	var seen int
	if _, err := Advance(ctx, e, f, []string{"one"}, bump(&seen)); !errors.Is(err, ErrNoFlow) {
		t.Fatalf("Advance(offer) = %v, want ErrNoFlow", err)
	}
	if _, err := e.flows.Get(ctx, f.ID); err == nil {
		t.Fatal("advancing an offer stored it")
	}
	kept, err := e.Keep(ctx, httptest.NewRecorder(), f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Advance(ctx, e, kept, []string{"one"}, bump(&seen)); err != nil || seen != 7 {
		t.Fatalf("Advance(kept) = %v; fn saw %d, want 7", err, seen)
	}
	if _, err := Advance(ctx, e, f, []string{"one"}, bump(&seen)); !errors.Is(err, ErrNoFlow) {
		t.Fatalf("Advance(offer after Keep) = %v, want ErrNoFlow", err)
	}
	if got, err := e.flows.Get(ctx, kept.ID); err != nil || got.Version != 2 {
		t.Fatalf("the kept flow: %+v, %v; want version 2", got, err)
	}
}
