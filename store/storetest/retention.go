package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// testRetention: GC removes audit events older than the retention and keeps
// the others; a finished flow, whose expiry its last update brought
// forward, is removed at that expiry.
func testRetention(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	keep := store.Retention{Audit: 400 * 24 * time.Hour}
	ages := map[string]time.Duration{
		"older":       401 * 24 * time.Hour,
		"just_older":  keep.Audit + time.Second,
		"at_the_edge": keep.Audit,
		"recent":      24 * time.Hour,
	}
	for name, age := range ages {
		if err := s.Audit().Append(ctx, store.Event{Type: "flow.started", Outcome: name, Time: c.Now().Add(-age)}); err != nil {
			t.Fatalf("Append(%s) = %v", name, err)
		}
	}

	finished := mustFlow(t, s, c, 15*time.Minute)
	running := mustFlow(t, s, c, 15*time.Minute)
	err := updateByID(ctx, s, finished.ID, func(f *store.Flow) error {
		f.Step, f.ExpiresAt = "done", c.Now().Add(2*time.Minute)
		return nil
	})
	if err != nil {
		t.Fatalf("Update(finish) = %v", err)
	}

	c.Advance(2 * time.Minute)
	st, err := s.GC(ctx, c.Now(), keep)
	if err != nil {
		t.Fatalf("GC() = %v", err)
	}
	// The clock moved two minutes: "at_the_edge" is now older too.
	if want := (store.GCStats{Flows: 1, Events: 3}); st != want {
		t.Errorf("GC() = %+v, want %+v", st, want)
	}
	evs, err := s.Audit().List(ctx, store.Filter{})
	if err != nil {
		t.Fatalf("List() = %v", err)
	}
	if len(evs) != 1 || evs[0].Outcome != "recent" {
		t.Errorf("after GC the audit holds %+v, want only the recent event", evs)
	}
	if _, err := s.Flows().Get(ctx, finished.ID); err == nil {
		t.Error("the finished flow is still there after GC")
	}
	if _, err := s.Flows().Get(ctx, running.ID); err != nil {
		t.Errorf("Get(running flow) after GC = %v", err)
	}

	// Without a retention, every event stays.
	if err := s.Audit().Append(ctx, store.Event{Type: "flow.started", Outcome: "ancient", Time: c.Now().Add(-10 * 365 * 24 * time.Hour)}); err != nil {
		t.Fatalf("Append() = %v", err)
	}
	if st, err := s.GC(ctx, c.Now(), store.Retention{}); err != nil || st.Events != 0 {
		t.Errorf("GC(no retention) = %+v, %v; want no event removed", st, err)
	}
	if evs, _ := s.Audit().List(ctx, store.Filter{}); len(evs) != 2 {
		t.Errorf("after GC without retention the audit holds %d events, want 2", len(evs))
	}
}
