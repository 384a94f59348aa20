package postgres

import (
	"context"
	"time"
)

// lockConns is the most account locks one replica holds or waits for at
// once, each on a connection of its own; more wait for one of them.
const lockConns = 4

// LockAccount holds key, an account's ID, for this replica until unlock is
// called: a session-level advisory lock on a connection of its own (from a
// pool of lockConns apart from the store's), so that replicas write one
// account's password or lockout one at a time. It waits while another
// replica holds the key, or until ctx ends. A session-level lock needs each
// replica's connections to be its own sessions: a direct connection or a
// pooler in session mode, not PgBouncer's transaction mode.
func (s *Store) LockAccount(ctx context.Context, key string) (unlock func(), err error) {
	conn, err := s.locks.Acquire(ctx)
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
