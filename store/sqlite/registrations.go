package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/frontdoor-sspr/frontdoor/store"
)

type registrations struct{ s *Store }

const (
	getRegistrationSQL = "SELECT data, updated_at, version FROM registrations WHERE user_ref = ?"
	addRegistrationSQL = `INSERT INTO registrations (user_ref, data, updated_at, version)
		VALUES (?, ?, ?, 1) ON CONFLICT (user_ref) DO NOTHING`
	swapRegistrationSQL = `UPDATE registrations SET data = ?, updated_at = ?, version = version + 1
		WHERE user_ref = ? AND version = ?`
	deleteRegistrationSQL = "DELETE FROM registrations WHERE user_ref = ?"
)

func (r registrations) Get(ctx context.Context, user string) (store.Registration, error) {
	reg := store.Registration{User: user}
	var updated int64
	err := r.s.queryRow(ctx, getRegistrationSQL, user).
		Scan(&reg.Data, &updated, &reg.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Registration{}, fmt.Errorf("sqlite: get registration: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Registration{}, fmt.Errorf("sqlite: get registration: %w", err)
	}
	reg.UpdatedAt = fromNanos(updated)
	return reg, nil
}

func (r registrations) Put(ctx context.Context, reg store.Registration) error {
	if reg.User == "" {
		return fmt.Errorf("sqlite: put registration: User is required: %w", store.ErrInvalid)
	}
	now := nanos(r.s.now())
	err := r.s.write(ctx, func(tx wtx) error {
		var res sql.Result
		var err error
		if reg.Version == 0 {
			res, err = tx.ExecContext(ctx, addRegistrationSQL, reg.User, reg.Data, now)
		} else {
			res, err = tx.ExecContext(ctx, swapRegistrationSQL, reg.Data, now, reg.User, reg.Version)
		}
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrConflict
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: put registration: %w", err)
	}
	return nil
}

func (r registrations) Delete(ctx context.Context, user string) error {
	err := r.s.write(ctx, func(tx wtx) error {
		_, err := tx.ExecContext(ctx, deleteRegistrationSQL, user)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete registration: %w", err)
	}
	return nil
}
