package postgres

import (
	"context"
	"fmt"

	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/jackc/pgx/v5"
)

type flows struct{ s *Store }

// createFlowSQL stores a new flow at version 1, or nothing when its ID is
// taken.
const createFlowSQL = `INSERT INTO flows
	(id, kind, step, user_ref, data, created_at, expires_at, version)
	VALUES ($1, $2, $3, $4, $5, $6, $7, 1) ON CONFLICT (id) DO NOTHING`

func (f flows) Create(ctx context.Context, fl store.Flow) error {
	if fl.ID == "" || fl.Kind == "" || fl.ExpiresAt.IsZero() {
		return fmt.Errorf("postgres: create flow: ID, Kind and ExpiresAt are required: %w", store.ErrInvalid)
	}
	if fl.CreatedAt.IsZero() {
		fl.CreatedAt = f.s.now()
	}
	tag, err := f.s.pool.Exec(ctx, createFlowSQL, fl.ID, fl.Kind, fl.Step, fl.UserRef, fl.Data, fl.CreatedAt, fl.ExpiresAt)
	if err != nil {
		return dbError("create flow", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: create flow: %w", store.ErrExists)
	}
	return nil
}

func (f flows) Get(ctx context.Context, id string) (store.Flow, error) {
	fl, err := f.get(ctx, id)
	if err != nil {
		return store.Flow{}, fmt.Errorf("postgres: get flow: %w", err)
	}
	return fl, nil
}

// get reads a live flow.
func (f flows) get(ctx context.Context, id string) (store.Flow, error) {
	var fl store.Flow
	err := f.s.pool.QueryRow(ctx, `SELECT id, kind, step, user_ref, data, created_at, expires_at, version
		FROM flows WHERE id = $1`, id).
		Scan(&fl.ID, &fl.Kind, &fl.Step, &fl.UserRef, &fl.Data, &fl.CreatedAt, &fl.ExpiresAt, &fl.Version)
	if noRows(err) {
		return store.Flow{}, store.ErrNotFound
	}
	if err != nil {
		return store.Flow{}, dbError("read flow", err)
	}
	fl.CreatedAt, fl.ExpiresAt = fl.CreatedAt.UTC(), fl.ExpiresAt.UTC()
	if !f.s.now().Before(fl.ExpiresAt) {
		return store.Flow{}, store.ErrExpired
	}
	return fl, nil
}

func (f flows) Update(ctx context.Context, fl store.Flow, fn func(*store.Flow) error) (store.Flow, error) {
	saved, err := store.UpdateFlow(ctx, fl, fn, f.get, f.swap)
	if err != nil {
		return store.Flow{}, fmt.Errorf("postgres: %w", err)
	}
	return saved, nil
}

func (f flows) Rekey(ctx context.Context, id, newID string) (store.Flow, error) {
	fl := store.Flow{ID: newID, Version: 1}
	err := f.s.tx(ctx, func(tx pgx.Tx) error {
		// The delete locks the row and reads its latest version: a rekey or
		// an update waiting on it then finds no flow, and none is lost.
		err := tx.QueryRow(ctx, `DELETE FROM flows WHERE id = $1 AND expires_at > $2
			RETURNING kind, step, user_ref, data, created_at, expires_at`, id, f.s.now()).
			Scan(&fl.Kind, &fl.Step, &fl.UserRef, &fl.Data, &fl.CreatedAt, &fl.ExpiresAt)
		if noRows(err) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, createFlowSQL, fl.ID, fl.Kind, fl.Step, fl.UserRef, fl.Data, fl.CreatedAt, fl.ExpiresAt)
		if err == nil && tag.RowsAffected() == 0 {
			err = store.ErrExists // rolls the delete back
		}
		return err
	})
	if err != nil {
		return store.Flow{}, dbError("rekey flow", err)
	}
	fl.CreatedAt, fl.ExpiresAt = fl.CreatedAt.UTC(), fl.ExpiresAt.UTC()
	return fl, nil
}

// swap writes next over cur if the stored version is still cur's and the
// flow has not expired meanwhile. It reports whether it wrote; when it did
// not because the flow is gone, it returns the reason.
func (f flows) swap(ctx context.Context, cur, next store.Flow) (bool, error) {
	tag, err := f.s.pool.Exec(ctx, `UPDATE flows
		SET kind = $1, step = $2, user_ref = $3, data = $4, expires_at = $5, version = version + 1
		WHERE id = $6 AND version = $7 AND expires_at > $8`,
		next.Kind, next.Step, next.UserRef, next.Data, next.ExpiresAt, cur.ID, cur.Version, f.s.now())
	if err != nil {
		return false, dbError("write flow", err)
	}
	if tag.RowsAffected() == 1 {
		return true, nil
	}
	// Not written: changed (retry), expired or deleted (report it).
	if _, err := f.get(ctx, cur.ID); err != nil {
		return false, err
	}
	return false, nil
}

func (f flows) Delete(ctx context.Context, id string) error {
	if _, err := f.s.pool.Exec(ctx, "DELETE FROM flows WHERE id = $1", id); err != nil {
		return dbError("delete flow", err)
	}
	return nil
}
