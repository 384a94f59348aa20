package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// limits keeps a sliding log: one row per recorded event, so a window is
// exact whatever its length. Refused events are not recorded, so a key holds
// at most max rows per window.
type limits struct{ s *Store }

const (
	pruneHitsSQL  = "DELETE FROM limit_hits WHERE key = ? AND at <= ?"
	windowSQL     = "SELECT COUNT(*), MIN(at) FROM limit_hits WHERE key = ?"
	addHitSQL     = "INSERT INTO limit_hits (key, at, expires_at) VALUES (?, ?, ?)"
	countHitsSQL  = "SELECT COUNT(*) FROM limit_hits WHERE key = ? AND at > ?"
	blockSQL      = "INSERT INTO limit_blocks (key, until) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET until = excluded.until"
	blockedSQL    = "SELECT until FROM limit_blocks WHERE key = ?"
	resetHitsSQL  = "DELETE FROM limit_hits WHERE key = ?"
	resetBlockSQL = "DELETE FROM limit_blocks WHERE key = ?"
)

func (l limits) Hit(ctx context.Context, key string, window time.Duration, max int) (bool, int, time.Duration, error) {
	if window <= 0 || max < 1 {
		return false, 0, 0, fmt.Errorf("sqlite: limit hit: window and max must be positive: %w", store.ErrInvalid)
	}
	var (
		allowed    bool
		count      int
		retryAfter time.Duration
	)
	now := l.s.now()
	start := nanos(now.Add(-window))
	err := l.s.write(ctx, func(tx wtx) error {
		// Events that left the window are of no more use to this key.
		if _, err := tx.ExecContext(ctx, pruneHitsSQL, key, start); err != nil {
			return err
		}
		var oldest sql.NullInt64
		err := tx.QueryRowContext(ctx, windowSQL, key).Scan(&count, &oldest)
		if err != nil {
			return err
		}
		if count >= max {
			retryAfter = fromNanos(oldest.Int64).Add(window).Sub(now)
			return nil
		}
		allowed = true
		count++
		_, err = tx.ExecContext(ctx, addHitSQL, key, nanos(now), nanos(now.Add(window)))
		return err
	})
	if err != nil {
		return false, 0, 0, fmt.Errorf("sqlite: limit hit: %w", err)
	}
	return allowed, count, retryAfter, nil
}

func (l limits) Count(ctx context.Context, key string, window time.Duration) (int, error) {
	var n int
	start := nanos(l.s.now().Add(-window))
	err := l.s.queryRow(ctx, countHitsSQL, key, start).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlite: limit count: %w", err)
	}
	return n, nil
}

func (l limits) Block(ctx context.Context, key string, until time.Time) error {
	err := l.s.write(ctx, func(tx wtx) error {
		_, err := tx.ExecContext(ctx, blockSQL, key, nanos(until))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: block: %w", err)
	}
	return nil
}

func (l limits) Blocked(ctx context.Context, key string) (time.Time, bool, error) {
	var until int64
	err := l.s.queryRow(ctx, blockedSQL, key).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("sqlite: blocked: %w", err)
	}
	t := fromNanos(until)
	if !l.s.now().Before(t) {
		return time.Time{}, false, nil
	}
	return t, true, nil
}

func (l limits) Reset(ctx context.Context, key string) error {
	err := l.s.write(ctx, func(tx wtx) error {
		if _, err := tx.ExecContext(ctx, resetHitsSQL, key); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, resetBlockSQL, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: limit reset: %w", err)
	}
	return nil
}
