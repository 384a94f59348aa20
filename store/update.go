package store

import (
	"context"
	"fmt"
	"slices"
)

// UpdateTries is how many times UpdateFlow rereads a flow that changed under
// it before giving up with ErrConflict.
const UpdateTries = 8

// UpdateFlow is the optimistic update every store's Flows.Update runs: apply
// fn to a copy of known and write it with swap only if the stored version is
// still known's; when it is not, or fn fails on known (which may be stale),
// read the flow (get) and do the same, a few times. A known Version of 0 (a
// flow given by ID only, or offered and never stored) is not tried. swap
// reports whether it wrote; when it did not because the flow is gone it
// returns the reason. Implementations supply get and swap in their own SQL.
func UpdateFlow(ctx context.Context, known Flow, fn func(*Flow) error,
	get func(ctx context.Context, id string) (Flow, error),
	swap func(ctx context.Context, cur, next Flow) (bool, error)) (Flow, error) {
	if known.Version > 0 {
		if next, err := change(known, fn); err == nil {
			if saved, ok, err := save(ctx, known, next, swap); ok || err != nil {
				return saved, err
			}
		}
	}
	return update(ctx, known.ID, fn, get, swap)
}

// update reads, changes and saves flow id until a save is not overtaken.
func update(ctx context.Context, id string, fn func(*Flow) error,
	get func(ctx context.Context, id string) (Flow, error),
	swap func(ctx context.Context, cur, next Flow) (bool, error)) (Flow, error) {
	for range UpdateTries {
		cur, err := get(ctx, id)
		if err != nil {
			return Flow{}, fmt.Errorf("update flow: %w", err)
		}
		next, err := change(cur, fn)
		if err != nil {
			return Flow{}, err
		}
		if saved, ok, err := save(ctx, cur, next, swap); ok || err != nil {
			return saved, err
		}
	}
	return Flow{}, fmt.Errorf("update flow: %w", ErrConflict)
}

// change applies fn to a copy of cur (fn may run again on another read, so
// cur must stay as it is) and checks that the result may be stored.
func change(cur Flow, fn func(*Flow) error) (Flow, error) {
	next := cur
	next.Data = slices.Clone(cur.Data)
	if err := fn(&next); err != nil {
		return Flow{}, err
	}
	if next.Kind == "" || next.ExpiresAt.IsZero() {
		return Flow{}, fmt.Errorf("update flow: Kind and ExpiresAt cannot be cleared: %w", ErrInvalid)
	}
	return next, nil
}

// save writes next over cur with swap and returns it at its new version; ok
// is false when the stored version is no longer cur's.
func save(ctx context.Context, cur, next Flow,
	swap func(ctx context.Context, cur, next Flow) (bool, error)) (saved Flow, ok bool, err error) {
	ok, err = swap(ctx, cur, next)
	if err != nil {
		return Flow{}, false, fmt.Errorf("update flow: %w", err)
	}
	if !ok {
		return Flow{}, false, nil
	}
	next.Version = cur.Version + 1
	return next, true, nil
}
