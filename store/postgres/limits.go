package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// limits keeps a sliding log: one row per recorded event, so a window is
// exact whatever its length. Refused events are not recorded, so a key holds
// at most max rows per window. The hits of one key take turns under a
// transaction-scoped advisory lock on the key's hash.
type limits struct{ s *Store }

func (l limits) Hit(ctx context.Context, key string, window time.Duration, max int) (bool, int, time.Duration, error) {
	if window <= 0 || max < 1 {
		return false, 0, 0, fmt.Errorf("postgres: limit hit: window and max must be positive: %w", store.ErrInvalid)
	}
	var (
		allowed    bool
		count      int
		retryAfter time.Duration
	)
	now := l.s.now()
	start := now.Add(-window)
	err := l.s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", key); err != nil {
			return err
		}
		// Events that left the window are of no more use to this key.
		if _, err := tx.Exec(ctx, "DELETE FROM limit_hits WHERE key = $1 AND at <= $2", key, start); err != nil {
			return err
		}
		var oldest *time.Time
		err := tx.QueryRow(ctx, "SELECT COUNT(*), MIN(at) FROM limit_hits WHERE key = $1", key).Scan(&count, &oldest)
		if err != nil {
			return err
		}
		if count >= max {
			retryAfter = oldest.Add(window).Sub(now)
			return nil
		}
		allowed = true
		count++
		_, err = tx.Exec(ctx, "INSERT INTO limit_hits (key, at, expires_at) VALUES ($1, $2, $3)",
			key, now, now.Add(window))
		return err
	})
	if err != nil {
		return false, 0, 0, dbError("limit hit", err)
	}
	return allowed, count, retryAfter, nil
}

func (l limits) Count(ctx context.Context, key string, window time.Duration) (int, error) {
	var n int
	start := l.s.now().Add(-window)
	err := l.s.pool.QueryRow(ctx, "SELECT COUNT(*) FROM limit_hits WHERE key = $1 AND at > $2", key, start).Scan(&n)
	if err != nil {
		return 0, dbError("limit count", err)
	}
	return n, nil
}

func (l limits) Block(ctx context.Context, key string, until time.Time) error {
	_, err := l.s.pool.Exec(ctx, `INSERT INTO limit_blocks (key, until) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET until = excluded.until`, key, until)
	if err != nil {
		return dbError("block", err)
	}
	return nil
}

func (l limits) Blocked(ctx context.Context, key string) (time.Time, bool, error) {
	var until time.Time
	err := l.s.pool.QueryRow(ctx, "SELECT until FROM limit_blocks WHERE key = $1", key).Scan(&until)
	if noRows(err) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, dbError("blocked", err)
	}
	until = until.UTC()
	if !l.s.now().Before(until) {
		return time.Time{}, false, nil
	}
	return until, true, nil
}

func (l limits) Reset(ctx context.Context, key string) error {
	err := l.s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", key); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM limit_hits WHERE key = $1", key); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM limit_blocks WHERE key = $1", key)
		return err
	})
	if err != nil {
		return dbError("limit reset", err)
	}
	return nil
}
