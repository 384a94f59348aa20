package gate

import (
	"context"
	"errors"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// TestWriteAccount: the write runs while the account's lock is held, by the
// account's ID; a lock that cannot be had is ErrUnavailable and nothing is
// written; without a lock the write just runs.
func TestWriteAccount(t *testing.T) {
	u := idp.User{ID: "id-alice", Login: "alice"}
	var events []string
	d := Deps{LockAccount: func(_ context.Context, key string) (func(), error) {
		events = append(events, "lock "+key)
		return func() { events = append(events, "unlock "+key) }, nil
	}}
	if err := d.WriteAccount(context.Background(), u, func() error { events = append(events, "write"); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := len(events); got != 3 || events[0] != "lock id-alice" || events[1] != "write" || events[2] != "unlock id-alice" {
		t.Errorf("events %v", events)
	}

	busy := Deps{LockAccount: func(context.Context, string) (func(), error) { return nil, context.DeadlineExceeded }}
	wrote := false
	err := busy.WriteAccount(context.Background(), u, func() error { wrote = true; return nil })
	if !errors.Is(err, ErrAccountBusy) || !errors.Is(err, idp.ErrUnavailable) || wrote {
		t.Errorf("lock not had: %v, wrote %v", err, wrote)
	}

	if err := (Deps{}).WriteAccount(context.Background(), u, func() error { wrote = true; return nil }); err != nil || !wrote {
		t.Errorf("without a lock: %v, wrote %v", err, wrote)
	}
}
