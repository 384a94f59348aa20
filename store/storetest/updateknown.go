package storetest

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// Update given a flow the caller read: its tests check that it is Update of
// the flow as stored whatever happened to it since; only a copy still at
// the stored version may be written without a second read.
var updateKnownTests = []suiteTest{
	{"FlowUpdateKnownUnchanged", testUpdateKnownUnchanged},
	{"FlowUpdateKnownChanged", testUpdateKnownChanged},
	{"FlowUpdateKnownMovedOn", testUpdateKnownMovedOn},
	{"FlowUpdateKnownGone", testUpdateKnownGone},
	{"FlowUpdateKnownNeverStored", testUpdateKnownNeverStored},
	{"FlowUpdateKnownOneWinner", testUpdateKnownOneWinner},
}

// loaded creates a flow and reads it back, as a step handler has it.
func loaded(t *testing.T, s store.Store, c *Clock) store.Flow {
	t.Helper()
	f, err := s.Flows().Get(context.Background(), mustFlow(t, s, c, time.Minute).ID)
	if err != nil {
		t.Fatalf("Get() = %v", err)
	}
	return f
}

// counter is an update fn that counts its runs and the data it saw last.
type counter struct {
	runs int
	saw  store.Flow
}

func (n *counter) fn(step string) func(*store.Flow) error {
	return func(fl *store.Flow) error {
		n.runs++
		n.saw = *fl
		fl.Step, fl.Data = step, append([]byte(step+":"), fl.Data...)
		return nil
	}
}

// testUpdateKnownUnchanged: fn runs once, on the copy, and the flow returned
// is the one stored, good for the next Update.
func testUpdateKnownUnchanged(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	f := loaded(t, s, c)
	for i, step := range []string{"verify", "done"} {
		var n counter
		saved, err := s.Flows().Update(ctx, f, n.fn(step))
		if err != nil {
			t.Fatalf("Update(%d) = %v", i, err)
		}
		if n.runs != 1 || n.saw.Version != f.Version {
			t.Fatalf("Update(%d): fn ran %d times, last on version %d; want once on %d", i, n.runs, n.saw.Version, f.Version)
		}
		got, err := s.Flows().Get(ctx, f.ID)
		if err != nil {
			t.Fatalf("Get() = %v", err)
		}
		sameFlow(t, saved, got)
		if got.Step != step || got.Version != f.Version+1 {
			t.Fatalf("flow at %q version %d, want %q %d", got.Step, got.Version, step, f.Version+1)
		}
		f = saved
	}
}

// testUpdateKnownChanged: a flow saved by another writer after it was read
// is read again, and fn's last run sees the other writer's change.
func testUpdateKnownChanged(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	f := loaded(t, s, c)
	other := func(fl *store.Flow) error { fl.Data = []byte("other"); return nil }
	if err := updateByID(ctx, s, f.ID, other); err != nil {
		t.Fatalf("Update() = %v", err)
	}
	var n counter
	saved, err := s.Flows().Update(ctx, f, n.fn("verify"))
	if err != nil {
		t.Fatalf("Update() = %v", err)
	}
	if string(n.saw.Data) != "other" || n.saw.Version != 2 {
		t.Fatalf("fn last saw %q at version %d, want the other writer's \"other\" at 2", n.saw.Data, n.saw.Version)
	}
	if string(saved.Data) != "verify:other" || saved.Version != 3 {
		t.Fatalf("saved %q version %d, want \"verify:other\" 3", saved.Data, saved.Version)
	}
}

// testUpdateKnownMovedOn: fn's verdict on a stale copy does not count. A
// step check that the copy fails but the stored flow passes saves; one that
// the copy passes but the stored flow fails writes nothing.
func testUpdateKnownMovedOn(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	errStep := errors.New("step not allowed")
	at := func(step, next string) func(*store.Flow) error {
		return func(fl *store.Flow) error {
			if fl.Step != step {
				return errStep
			}
			fl.Step = next
			return nil
		}
	}
	f := loaded(t, s, c)
	if err := updateByID(ctx, s, f.ID, at("start", "verify")); err != nil {
		t.Fatalf("Update() = %v", err)
	}
	_, err := s.Flows().Update(ctx, f, at("start", "other"))
	wantErr(t, "Update(step moved on)", err, errStep)
	saved, err := s.Flows().Update(ctx, f, at("verify", "done"))
	if err != nil || saved.Step != "done" || saved.Version != 3 {
		t.Fatalf("Update(step the stored flow is at) = %+v, %v; want done at 3", saved, err)
	}
}

// testUpdateKnownGone: an expired or deleted flow is reported as Update
// reports it, whatever the copy says.
func testUpdateKnownGone(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	var n counter
	deleted := loaded(t, s, c)
	if err := s.Flows().Delete(ctx, deleted.ID); err != nil {
		t.Fatalf("Delete() = %v", err)
	}
	_, err := s.Flows().Update(ctx, deleted, n.fn("verify"))
	wantErr(t, "Update(deleted)", err, store.ErrNotFound)
	expired := loaded(t, s, c)
	c.Advance(time.Minute)
	_, err = s.Flows().Update(ctx, expired, n.fn("verify"))
	wantErr(t, "Update(expired)", err, store.ErrExpired)
	if _, err := s.Flows().Get(ctx, deleted.ID); !errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExpired) {
		t.Fatalf("Get(deleted) after Update = %v, want ErrNotFound", err)
	}
}

// testUpdateKnownNeverStored: a flow at Version 0 (an offered flow) is no
// copy of a stored one: a missing ID stays missing, and a stored ID is
// changed from what is stored, not from the copy.
func testUpdateKnownNeverStored(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	var n counter
	offer := store.Flow{ID: store.NewID(), Kind: store.KindReset, Step: "start", ExpiresAt: c.Now().Add(time.Minute)}
	_, err := s.Flows().Update(ctx, offer, n.fn("verify"))
	wantErr(t, "Update(never stored)", err, store.ErrNotFound)
	if _, err := s.Flows().Get(ctx, offer.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(never stored) after Update = %v, want ErrNotFound", err)
	}
	stored := loaded(t, s, c)
	copied := stored
	copied.Version, copied.Data = 0, []byte("stale")
	saved, err := s.Flows().Update(ctx, copied, n.fn("verify"))
	if err != nil || string(saved.Data) != "verify:" || saved.Version != 2 {
		t.Fatalf("Update(Version 0 of a stored flow) = %+v, %v; want \"verify:\" at 2", saved, err)
	}
}

// testUpdateKnownOneWinner: 50 parallel updates from the same copy that
// each require its step; exactly one passes.
func testUpdateKnownOneWinner(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	f := loaded(t, s, c)
	errStep := errors.New("step not allowed")
	errs := parallel(50, func(i int) error {
		_, err := s.Flows().Update(ctx, f, func(fl *store.Flow) error {
			if fl.Step != "start" {
				return errStep
			}
			fl.Step = "done-" + strconv.Itoa(i)
			return nil
		})
		return err
	})
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, errStep) && !errors.Is(err, store.ErrConflict):
			t.Fatalf("update %d = %v, want the step error or ErrConflict", i, err)
		}
	}
	if got, err := s.Flows().Get(ctx, f.ID); won != 1 || err != nil || got.Version != 2 {
		t.Fatalf("%d updates won; flow version %d (%v), want one and 2", won, got.Version, err)
	}
}
