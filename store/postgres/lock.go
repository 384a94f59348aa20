package postgres

import (
	"context"
	"time"
)

// LockAccount holds key, an account's ID, for this replica until unlock is
// called: a session-level advisory lock on a connection of its own, so
// that replicas write one account's password or lockout one at a time. It
// waits while another replica holds the key, or until ctx ends.
func (s *Store) LockAccount(ctx context.Context, key string) (unlock func(), err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, dbError("lock account", err)
	}
	const lockSQL = "SELECT pg_advisory_lock(hashtextextended('frontdoor account ' || $1, 0))"
	if _, err := conn.Exec(ctx, lockSQL, key); err != nil {
		// The server may have granted the lock as the wait was cut short:
		// the connection goes, and the lock with its session.
		_ = conn.Conn().Close(context.Background())
		conn.Release()
		return nil, dbError("lock account", err)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		const unlockSQL = "SELECT pg_advisory_unlock(hashtextextended('frontdoor account ' || $1, 0))"
		if _, err := conn.Exec(ctx, unlockSQL, key); err != nil {
			_ = conn.Conn().Close(ctx) // the lock ends with the session
		}
		conn.Release()
	}, nil
}
