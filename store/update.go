package store

import (
	"context"
	"fmt"
	"slices"
)

// UpdateTries is how many times UpdateFlow rereads a flow that changed under
// it before giving up with ErrConflict.
const UpdateTries = 8

// UpdateFlow is the optimistic update loop every store's Flows.Update runs:
// read the flow (get), apply fn to a copy, and write it with swap only if the
// stored version is still the one read. swap reports whether it wrote; when
// it did not because the flow is gone it returns the reason. Implementations
// supply get and swap in their own SQL.
func UpdateFlow(ctx context.Context, id string, fn func(*Flow) error,
	get func(ctx context.Context, id string) (Flow, error),
	swap func(ctx context.Context, cur, next Flow) (bool, error)) error {
	for range UpdateTries {
		cur, err := get(ctx, id)
		if err != nil {
			return fmt.Errorf("update flow: %w", err)
		}
		next := cur
		next.Data = slices.Clone(cur.Data)
		if err := fn(&next); err != nil {
			return err
		}
		if next.Kind == "" || next.ExpiresAt.IsZero() {
			return fmt.Errorf("update flow: Kind and ExpiresAt cannot be cleared: %w", ErrInvalid)
		}
		saved, err := swap(ctx, cur, next)
		if err != nil {
			return fmt.Errorf("update flow: %w", err)
		}
		if saved {
			return nil
		}
	}
	return fmt.Errorf("update flow: %w", ErrConflict)
}
