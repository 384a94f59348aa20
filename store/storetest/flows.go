package storetest

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

var flowTests = []suiteTest{
	{"FlowCreateGet", testFlowCreateGet},
	{"FlowCreateInvalid", testFlowCreateInvalid},
	{"FlowCreateDuplicate", testFlowCreateDuplicate},
	{"FlowGetMissing", testFlowGetMissing},
	{"FlowExpiry", testFlowExpiry},
	{"FlowUpdate", testFlowUpdate},
	{"FlowUpdateAborted", testFlowUpdateAborted},
	{"FlowUpdateMissing", testFlowUpdateMissing},
	{"FlowDelete", testFlowDelete},
	{"FlowRekey", testFlowRekey},
	{"FlowRekeyGone", testFlowRekeyGone},
	{"FlowRekeyOneWinner", testFlowRekeyOneWinner},
	{"FlowRekeyNoLostUpdate", testFlowRekeyNoLostUpdate},
	{"FlowUpdateOneWinner", testFlowUpdateOneWinner},
	{"FlowUpdateNoLostUpdate", testFlowUpdateNoLostUpdate},
}

func sameFlow(t *testing.T, got, want store.Flow) {
	t.Helper()
	if got.ID != want.ID || got.Kind != want.Kind || got.Step != want.Step || got.UserRef != want.UserRef ||
		!bytes.Equal(got.Data, want.Data) || !got.CreatedAt.Equal(want.CreatedAt) ||
		!got.ExpiresAt.Equal(want.ExpiresAt) || got.Version != want.Version {
		t.Fatalf("flow = %+v\nwant   %+v", got, want)
	}
}

func testFlowCreateGet(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	f := store.Flow{
		ID:        store.NewID(),
		Kind:      store.KindUnlock,
		Step:      "identify",
		UserRef:   "uid=alice,ou=people,dc=example,dc=test",
		Data:      []byte(`{"return_to":"/login"}`),
		ExpiresAt: c.Now().Add(15 * time.Minute),
	}
	if err := s.Flows().Create(ctx, f); err != nil {
		t.Fatalf("Create() = %v", err)
	}
	got, err := s.Flows().Get(ctx, f.ID)
	if err != nil {
		t.Fatalf("Get() = %v", err)
	}
	f.CreatedAt, f.Version = c.Now(), 1
	sameFlow(t, got, f)

	// A CreatedAt given by the caller is kept.
	g := store.Flow{ID: store.NewID(), Kind: store.KindReset, CreatedAt: c.Now().Add(-time.Minute), ExpiresAt: c.Now().Add(time.Minute)}
	if err := s.Flows().Create(ctx, g); err != nil {
		t.Fatalf("Create() = %v", err)
	}
	got, err = s.Flows().Get(ctx, g.ID)
	if err != nil {
		t.Fatalf("Get() = %v", err)
	}
	g.Version = 1
	sameFlow(t, got, g)
}

func testFlowCreateInvalid(t *testing.T, s store.Store, c *Clock) {
	exp := c.Now().Add(time.Minute)
	tests := []struct {
		name string
		f    store.Flow
	}{
		{"no ID", store.Flow{Kind: store.KindReset, ExpiresAt: exp}},
		{"no kind", store.Flow{ID: store.NewID(), ExpiresAt: exp}},
		{"no expiry", store.Flow{ID: store.NewID(), Kind: store.KindReset}},
	}
	for _, tt := range tests {
		err := s.Flows().Create(context.Background(), tt.f)
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Create(%s) = %v, want ErrInvalid", tt.name, err)
		}
	}
}

func testFlowCreateDuplicate(t *testing.T, s store.Store, c *Clock) {
	f := mustFlow(t, s, c, time.Minute)
	dup := f
	dup.Step = "other"
	wantErr(t, "Create(same ID)", s.Flows().Create(context.Background(), dup), store.ErrExists)
	got, err := s.Flows().Get(context.Background(), f.ID)
	if err != nil || got.Step != "start" {
		t.Fatalf("Get() after duplicate Create = %+v, %v; want the first flow untouched", got, err)
	}
}

func testFlowGetMissing(t *testing.T, s store.Store, _ *Clock) {
	_, err := s.Flows().Get(context.Background(), store.NewID())
	wantErr(t, "Get(missing)", err, store.ErrNotFound)
	if errors.Is(err, store.ErrExpired) {
		t.Errorf("Get(missing) = %v, want not ErrExpired", err)
	}
}

func testFlowExpiry(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	f := mustFlow(t, s, c, 15*time.Minute)
	c.Advance(15*time.Minute - time.Second)
	if _, err := s.Flows().Get(ctx, f.ID); err != nil {
		t.Fatalf("Get() a second before expiry = %v", err)
	}
	c.Advance(time.Second)
	_, err := s.Flows().Get(ctx, f.ID)
	wantErr(t, "Get() at expiry", err, store.ErrExpired)
	wantErr(t, "Get() at expiry", err, store.ErrNotFound)
	called := false
	err = updateByID(ctx, s, f.ID, func(fl *store.Flow) error {
		called = true
		return nil
	})
	wantErr(t, "Update() at expiry", err, store.ErrExpired)
	if called {
		t.Error("Update() at expiry called fn")
	}
}

func testFlowUpdate(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	f := mustFlow(t, s, c, 15*time.Minute)
	c.Advance(time.Minute)
	err := updateByID(ctx, s, f.ID, func(fl *store.Flow) error {
		if fl.Step != "start" || fl.Version != 1 {
			t.Errorf("fn got step %q version %d, want start 1", fl.Step, fl.Version)
		}
		fl.Step = "verify"
		fl.UserRef = "alice"
		fl.Data = []byte(`{"method":"email"}`)
		fl.ExpiresAt = fl.ExpiresAt.Add(-5 * time.Minute)
		// Store-owned fields are not the caller's to change.
		fl.ID, fl.CreatedAt, fl.Version = "other", time.Time{}, 99
		return nil
	})
	if err != nil {
		t.Fatalf("Update() = %v", err)
	}
	got, err := s.Flows().Get(ctx, f.ID)
	if err != nil {
		t.Fatalf("Get() = %v", err)
	}
	want := f
	want.Step, want.UserRef, want.Data = "verify", "alice", []byte(`{"method":"email"}`)
	want.CreatedAt, want.ExpiresAt, want.Version = Start, f.ExpiresAt.Add(-5*time.Minute), 2
	sameFlow(t, got, want)

	err = updateByID(ctx, s, f.ID, func(fl *store.Flow) error {
		fl.Kind = ""
		return nil
	})
	wantErr(t, "Update(clearing Kind)", err, store.ErrInvalid)
}

func testFlowUpdateAborted(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	f := mustFlow(t, s, c, time.Minute)
	errStep := errors.New("step not allowed")
	err := updateByID(ctx, s, f.ID, func(fl *store.Flow) error {
		fl.Step = "done"
		return errStep
	})
	wantErr(t, "Update(fn fails)", err, errStep)
	got, err := s.Flows().Get(ctx, f.ID)
	if err != nil {
		t.Fatalf("Get() = %v", err)
	}
	if got.Step != "start" || got.Version != 1 {
		t.Errorf("after a failed fn: step %q version %d, want start 1", got.Step, got.Version)
	}
}

func testFlowUpdateMissing(t *testing.T, s store.Store, _ *Clock) {
	err := updateByID(context.Background(), s, store.NewID(), func(*store.Flow) error { return nil })
	wantErr(t, "Update(missing)", err, store.ErrNotFound)
}

func testFlowDelete(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	f := mustFlow(t, s, c, time.Minute)
	code := store.Code{FlowID: f.ID, Method: "email", Purpose: "gate1", Hash: []byte("h"), ExpiresAt: c.Now().Add(time.Minute), TriesLeft: 5}
	if err := s.Codes().Put(ctx, code); err != nil {
		t.Fatalf("Put() = %v", err)
	}
	if err := s.Flows().Delete(ctx, f.ID); err != nil {
		t.Fatalf("Delete() = %v", err)
	}
	_, err := s.Flows().Get(ctx, f.ID)
	wantErr(t, "Get() after Delete", err, store.ErrNotFound)
	_, err = s.Codes().Verify(ctx, f.ID, "email", "gate1", func([]byte) bool { return true })
	wantErr(t, "Verify() of a deleted flow's code", err, store.ErrNotFound)
	if err := s.Flows().Delete(ctx, f.ID); err != nil {
		t.Errorf("Delete(missing) = %v, want nil", err)
	}
}

// testFlowUpdateOneWinner: 50 parallel updates that each require the step
// the flow starts at; exactly one may pass, as two parallel final submits
// of a reset must lead to one password write.
func testFlowUpdateOneWinner(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	f := mustFlow(t, s, c, time.Minute)
	errStep := errors.New("step not allowed")
	errs := parallel(50, func(i int) error {
		return updateByID(ctx, s, f.ID, func(fl *store.Flow) error {
			if fl.Step != "start" {
				return errStep
			}
			fl.Step = "done-" + strconv.Itoa(i)
			return nil
		})
	})
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("updates %d and %d both won", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, errStep) && !errors.Is(err, store.ErrConflict):
			t.Fatalf("update %d = %v, want the step error or ErrConflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no update won")
	}
	got, err := s.Flows().Get(ctx, f.ID)
	if err != nil {
		t.Fatalf("Get() = %v", err)
	}
	if want := "done-" + strconv.Itoa(winner); got.Step != want || got.Version != 2 {
		t.Errorf("flow step %q version %d, want %q 2", got.Step, got.Version, want)
	}
}

// testFlowUpdateNoLostUpdate: 50 parallel increments; every one reported as
// saved is in the result, and no other.
func testFlowUpdateNoLostUpdate(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	f := mustFlow(t, s, c, time.Minute)
	errs := parallel(50, func(int) error {
		return updateByID(ctx, s, f.ID, func(fl *store.Flow) error {
			n, _ := strconv.Atoi(string(fl.Data))
			fl.Data = []byte(strconv.Itoa(n + 1))
			return nil
		})
	})
	saved := 0
	for i, err := range errs {
		switch {
		case err == nil:
			saved++
		case !errors.Is(err, store.ErrConflict):
			t.Fatalf("update %d = %v, want nil or ErrConflict", i, err)
		}
	}
	got, err := s.Flows().Get(ctx, f.ID)
	if err != nil {
		t.Fatalf("Get() = %v", err)
	}
	if saved == 0 || string(got.Data) != strconv.Itoa(saved) || got.Version != int64(1+saved) {
		t.Errorf("%d updates saved; counter %q version %d, want %d and %d", saved, got.Data, got.Version, saved, 1+saved)
	}
}

// testFlowRekey: the flow, its state and expiry, answers to the new ID only,
// at Version 1; the old ID's codes are gone with it.
func testFlowRekey(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	old := mustFlow(t, s, c, time.Hour)
	if err := updateByID(ctx, s, old.ID, func(f *store.Flow) error {
		f.Step, f.Data = "verify", []byte(`{"n":2}`)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	code := store.Code{FlowID: old.ID, Method: "email", Purpose: "gate1", Hash: []byte("h"), ExpiresAt: c.Now().Add(time.Hour), TriesLeft: 5}
	if err := s.Codes().Put(ctx, code); err != nil {
		t.Fatal(err)
	}
	want, err := s.Flows().Get(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	newID := store.NewID()
	got, err := s.Flows().Rekey(ctx, old.ID, newID)
	if err != nil {
		t.Fatalf("Rekey() = %v", err)
	}
	want.ID, want.Version = newID, 1
	sameFlow(t, got, want)
	stored, err := s.Flows().Get(ctx, newID)
	if err != nil {
		t.Fatalf("Get(new) = %v", err)
	}
	sameFlow(t, stored, want)
	if _, err := s.Flows().Get(ctx, old.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(old) after Rekey = %v, want ErrNotFound", err)
	}
	if _, err := s.Codes().Verify(ctx, old.ID, "email", "gate1", func([]byte) bool { return true }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the old ID's code after Rekey: %v, want ErrNotFound", err)
	}
}

// testFlowRekeyGone: a missing or expired flow is not rekeyed, and nothing
// appears under the new ID; nor does a taken new ID lose either flow.
func testFlowRekeyGone(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	expired := mustFlow(t, s, c, time.Minute)
	c.Advance(time.Minute)
	for name, id := range map[string]string{"missing": store.NewID(), "expired": expired.ID} {
		newID := store.NewID()
		if _, err := s.Flows().Rekey(ctx, id, newID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Rekey(%s) = %v, want ErrNotFound", name, err)
		}
		if _, err := s.Flows().Get(ctx, newID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Rekey(%s) stored something under the new ID: %v", name, err)
		}
	}
	a, b := mustFlow(t, s, c, time.Hour), mustFlow(t, s, c, time.Hour)
	if _, err := s.Flows().Rekey(ctx, a.ID, b.ID); !errors.Is(err, store.ErrExists) {
		t.Fatalf("Rekey() onto a taken ID = %v, want ErrExists", err)
	}
	for _, f := range []store.Flow{a, b} {
		if _, err := s.Flows().Get(ctx, f.ID); err != nil {
			t.Errorf("Get(%s) after a failed Rekey = %v", f.ID, err)
		}
	}
}

// testFlowRekeyOneWinner: of parallel rekeys of one flow, exactly one gives
// it a new handle; the others find it gone, and no second handle lives.
func testFlowRekeyOneWinner(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	f := mustFlow(t, s, c, time.Hour)
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = store.NewID()
	}
	errs := parallel(len(ids), func(i int) error {
		_, err := s.Flows().Rekey(ctx, f.ID, ids[i])
		return err
	})
	won := 0
	for i, err := range errs {
		_, getErr := s.Flows().Get(ctx, ids[i])
		switch {
		case err == nil && getErr == nil:
			won++
		case errors.Is(err, store.ErrNotFound) && errors.Is(getErr, store.ErrNotFound):
		default:
			t.Errorf("rekey %d = %v, then Get = %v", i, err, getErr)
		}
	}
	if won != 1 {
		t.Fatalf("%d rekeys of one flow won, want 1", won)
	}
}

// testFlowRekeyNoLostUpdate: an update racing a rekey either lands before
// it, and the flow under its new handle has it, or fails: never reported
// done and then missing.
func testFlowRekeyNoLostUpdate(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	for round := range 20 {
		f := mustFlow(t, s, c, time.Hour)
		newID := store.NewID()
		errs := parallel(2, func(i int) error {
			if i == 0 {
				_, err := s.Flows().Rekey(ctx, f.ID, newID)
				return err
			}
			return updateByID(ctx, s, f.ID, func(fl *store.Flow) error {
				fl.Step = "updated"
				return nil
			})
		})
		if errs[0] != nil {
			t.Fatalf("round %d: Rekey() = %v", round, errs[0])
		}
		got, err := s.Flows().Get(ctx, newID)
		if err != nil {
			t.Fatalf("round %d: Get(new) = %v", round, err)
		}
		switch {
		case errs[1] == nil && got.Step != "updated":
			t.Fatalf("round %d: the update was reported done but the rekeyed flow is at %q", round, got.Step)
		case errs[1] != nil && !errors.Is(errs[1], store.ErrNotFound):
			t.Fatalf("round %d: Update() = %v, want nil or ErrNotFound", round, errs[1])
		}
	}
}
