package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/frontdoor-sspr/frontdoor/store"
)

type flows struct{ s *Store }

const (
	createFlowSQL = `INSERT INTO flows
		(id, kind, step, user_ref, data, created_at, expires_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO NOTHING`
	getFlowSQL = `SELECT id, kind, step, user_ref, data, created_at, expires_at, version
		FROM flows WHERE id = ?`
	swapFlowSQL = `UPDATE flows
		SET kind = ?, step = ?, user_ref = ?, data = ?, expires_at = ?, version = version + 1
		WHERE id = ? AND version = ? AND expires_at > ?`
	deleteFlowSQL = "DELETE FROM flows WHERE id = ?"
	// takeFlowSQL deletes a live flow (its codes with it) and returns it,
	// for Rekey to insert again under the new ID.
	takeFlowSQL = `DELETE FROM flows WHERE id = ? AND expires_at > ?
		RETURNING kind, step, user_ref, data, created_at, expires_at`
)

func (f flows) Create(ctx context.Context, fl store.Flow) error {
	if fl.ID == "" || fl.Kind == "" || fl.ExpiresAt.IsZero() {
		return fmt.Errorf("sqlite: create flow: ID, Kind and ExpiresAt are required: %w", store.ErrInvalid)
	}
	if fl.CreatedAt.IsZero() {
		fl.CreatedAt = f.s.now()
	}
	var n int64
	err := f.s.write(ctx, func(tx wtx) error {
		res, err := tx.ExecContext(ctx, createFlowSQL, fl.ID, fl.Kind, fl.Step, fl.UserRef, fl.Data, nanos(fl.CreatedAt), nanos(fl.ExpiresAt))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: create flow: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: create flow: %w", store.ErrExists)
	}
	return nil
}

func (f flows) Get(ctx context.Context, id string) (store.Flow, error) {
	fl, err := f.get(ctx, id)
	if err != nil {
		return store.Flow{}, fmt.Errorf("sqlite: get flow: %w", err)
	}
	return fl, nil
}

// get reads a live flow through the reader pool.
func (f flows) get(ctx context.Context, id string) (store.Flow, error) {
	var (
		fl                   store.Flow
		created, expires, vv int64
	)
	err := f.s.queryRow(ctx, getFlowSQL, id).
		Scan(&fl.ID, &fl.Kind, &fl.Step, &fl.UserRef, &fl.Data, &created, &expires, &vv)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Flow{}, store.ErrNotFound
	}
	if err != nil {
		return store.Flow{}, err
	}
	fl.CreatedAt, fl.ExpiresAt, fl.Version = fromNanos(created), fromNanos(expires), vv
	if !f.s.now().Before(fl.ExpiresAt) {
		return store.Flow{}, store.ErrExpired
	}
	return fl, nil
}

func (f flows) Update(ctx context.Context, fl store.Flow, fn func(*store.Flow) error) (store.Flow, error) {
	saved, err := store.UpdateFlow(ctx, fl, fn, f.get, f.swap)
	if err != nil {
		return store.Flow{}, fmt.Errorf("sqlite: %w", err)
	}
	return saved, nil
}

// swap writes next over cur if the stored version is still cur's and the
// flow has not expired meanwhile. It reports whether it wrote; when it did
// not because the flow is gone, it returns the reason.
func (f flows) swap(ctx context.Context, cur, next store.Flow) (bool, error) {
	var n int64
	now := nanos(f.s.now())
	err := f.s.write(ctx, func(tx wtx) error {
		res, err := tx.ExecContext(ctx, swapFlowSQL, next.Kind, next.Step, next.UserRef, next.Data, nanos(next.ExpiresAt), cur.ID, cur.Version, now)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil || n == 1 {
		return n == 1, err
	}
	// Not written: changed (retry), expired or deleted (report it).
	if _, err := f.get(ctx, cur.ID); err != nil {
		return false, err
	}
	return false, nil
}

func (f flows) Rekey(ctx context.Context, id, newID string) (store.Flow, error) {
	fl := store.Flow{ID: newID, Version: 1}
	err := f.s.write(ctx, func(tx wtx) error {
		var created, expires int64
		err := tx.QueryRowContext(ctx, takeFlowSQL, id, nanos(f.s.now())).
			Scan(&fl.Kind, &fl.Step, &fl.UserRef, &fl.Data, &created, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		fl.CreatedAt, fl.ExpiresAt = fromNanos(created), fromNanos(expires)
		res, err := tx.ExecContext(ctx, createFlowSQL, fl.ID, fl.Kind, fl.Step, fl.UserRef, fl.Data, created, expires)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, store.ErrExists) // rolls the delete back
		}
		return nil
	})
	if err != nil {
		return store.Flow{}, fmt.Errorf("sqlite: rekey flow: %w", err)
	}
	return fl, nil
}

func (f flows) Delete(ctx context.Context, id string) error {
	err := f.s.write(ctx, func(tx wtx) error {
		_, err := tx.ExecContext(ctx, deleteFlowSQL, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete flow: %w", err)
	}
	return nil
}
