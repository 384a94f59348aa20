package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// memFlow is one stored flow behind counting get and swap, to tell how
// often UpdateFlow reads.
type memFlow struct {
	f           store.Flow
	gets, swaps int
}

func (m *memFlow) get(context.Context, string) (store.Flow, error) {
	m.gets++
	return m.f, nil
}

func (m *memFlow) swap(_ context.Context, cur, next store.Flow) (bool, error) {
	m.swaps++
	if cur.Version != m.f.Version {
		return false, nil
	}
	next.Version = cur.Version + 1
	m.f = next
	return true, nil
}

func TestUpdateFlowReads(t *testing.T) {
	ctx := context.Background()
	stored := store.Flow{ID: "f", Kind: store.KindReset, Step: "start", ExpiresAt: time.Now().Add(time.Minute), Version: 3}
	errStep := errors.New("step not allowed")
	at := func(step string) func(*store.Flow) error {
		return func(f *store.Flow) error {
			if f.Step != step {
				return errStep
			}
			f.Step = step + "+"
			return nil
		}
	}
	bump := func(f *store.Flow) error { f.Step += "+"; return nil }
	moved := stored
	moved.Step, moved.Version = "verify", 4
	offered := stored
	offered.Version = 0
	tests := []struct {
		name        string
		stored      store.Flow
		known       store.Flow
		fn          func(*store.Flow) error
		gets, swaps int
		err         error
	}{
		{"unchanged", stored, stored, at("start"), 0, 1, nil},
		{"changed since", moved, stored, bump, 1, 2, nil},
		{"stale copy fails, stored passes", moved, stored, at("verify"), 1, 1, nil},
		{"moved on since", moved, stored, at("start"), 1, 1, errStep},
		{"wrong step, unchanged", stored, stored, at("verify"), 1, 0, errStep},
		{"offered", stored, offered, at("start"), 1, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &memFlow{f: tt.stored}
			saved, err := store.UpdateFlow(ctx, tt.known, tt.fn, m.get, m.swap)
			if !errors.Is(err, tt.err) || m.gets != tt.gets || m.swaps != tt.swaps {
				t.Fatalf("UpdateFlow() = %v after %d gets, %d swaps; want %v, %d, %d", err, m.gets, m.swaps, tt.err, tt.gets, tt.swaps)
			}
			if err == nil && (saved.Version != m.f.Version || saved.Step != m.f.Step || saved.Step != tt.stored.Step+"+") {
				t.Fatalf("saved %+v, stored %+v", saved, m.f)
			}
		})
	}
}
