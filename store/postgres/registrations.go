package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/frontdoor-sspr/frontdoor/store"
)

type registrations struct{ s *Store }

func (r registrations) Get(ctx context.Context, user string) (store.Registration, error) {
	reg := store.Registration{User: user}
	err := r.s.pool.QueryRow(ctx, "SELECT data, updated_at, version FROM registrations WHERE user_ref = $1", user).
		Scan(&reg.Data, &reg.UpdatedAt, &reg.Version)
	if noRows(err) {
		return store.Registration{}, fmt.Errorf("postgres: get registration: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Registration{}, dbError("get registration", err)
	}
	reg.UpdatedAt = reg.UpdatedAt.UTC()
	return reg, nil
}

func (r registrations) Put(ctx context.Context, reg store.Registration) error {
	if reg.User == "" {
		return fmt.Errorf("postgres: put registration: User is required: %w", store.ErrInvalid)
	}
	now := r.s.now()
	var (
		tag pgconn.CommandTag
		err error
	)
	if reg.Version == 0 {
		tag, err = r.s.pool.Exec(ctx, `INSERT INTO registrations (user_ref, data, updated_at, version)
			VALUES ($1, $2, $3, 1) ON CONFLICT (user_ref) DO NOTHING`, reg.User, reg.Data, now)
	} else {
		tag, err = r.s.pool.Exec(ctx, `UPDATE registrations SET data = $1, updated_at = $2, version = version + 1
			WHERE user_ref = $3 AND version = $4`, reg.Data, now, reg.User, reg.Version)
	}
	if err != nil {
		return dbError("put registration", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: put registration: %w", store.ErrConflict)
	}
	return nil
}

func (r registrations) Delete(ctx context.Context, user string) error {
	if _, err := r.s.pool.Exec(ctx, "DELETE FROM registrations WHERE user_ref = $1", user); err != nil {
		return dbError("delete registration", err)
	}
	return nil
}
