package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdoor-sspr/frontdoor/store"
)

var _ store.Store = (*Store)(nil)

// Store is a store.Store on a PostgreSQL database, shared by any number of
// frontdoor replicas.
type Store struct {
	pool *pgxpool.Pool
	// locks holds the connections of account locks (lock.go), apart from
	// pool: writes waiting on a slow directory never starve the store.
	locks *pgxpool.Pool
	now   func() time.Time

	stopClock context.CancelFunc
	closeOnce sync.Once
}

// Option configures Open.
type Option func(*options)

type options struct {
	now, local func() time.Time
}

// WithNow sets the clock the store judges expiry by, in place of the
// database server's (tests).
func WithNow(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithLocalClock sets the host clock that the database server's clock is
// read against (default time.Now): tests give a skewed one.
func WithLocalClock(local func() time.Time) Option {
	return func(o *options) { o.local = local }
}

// Open connects to the database named by dsn (a postgres:// URL or a
// key=value connection string, as pgx accepts; pool settings such as
// pool_max_conns may be given in it) and brings its schema up to date.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	o := options{local: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, dbError("dsn", err)
	}
	lcfg := cfg.Copy()
	lcfg.MaxConns, lcfg.MinConns = lockConns, 0
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, dbError("open", err)
	}
	locks, err := pgxpool.NewWithConfig(ctx, lcfg)
	if err != nil {
		pool.Close()
		return nil, dbError("open", err)
	}
	s := &Store{pool: pool, locks: locks, now: o.now, stopClock: func() {}}
	if s.now == nil {
		clock := &dbClock{local: o.local}
		if err := clock.measure(ctx, pool); err != nil {
			s.Close()
			return nil, err
		}
		var follow context.Context
		follow, s.stopClock = context.WithCancel(context.Background())
		go clock.follow(follow, pool)
		s.now = clock.now
	}
	if err := migrate(ctx, pool); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Now is the clock the store stamps and judges expiry by: the database
// server's, unless WithNow gave another. Callers that compute expiry times
// for the store use it too, so that replicas on hosts whose clocks differ
// agree on when a flow or a code ends.
func (s *Store) Now() time.Time { return s.now() }

// Flows returns the flows part of the store.
func (s *Store) Flows() store.Flows { return flows{s} }

// Codes returns the verification codes part of the store.
func (s *Store) Codes() store.Codes { return codes{s} }

// Limits returns the rate limits part of the store.
func (s *Store) Limits() store.Limits { return limits{s} }

// Audit returns the audit log part of the store.
func (s *Store) Audit() store.Audit { return audit{s} }

// Registrations returns the security info part of the store.
func (s *Store) Registrations() store.Registrations { return registrations{s} }

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return dbError("ping", err)
	}
	return nil
}

// Close closes the connection pool. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.stopClock()
		s.locks.Close()
		s.pool.Close()
	})
	return nil
}

// GC deletes everything that expired by now.
func (s *Store) GC(ctx context.Context, now time.Time, keep store.Retention) (store.GCStats, error) {
	var st store.GCStats
	err := s.tx(ctx, func(tx pgx.Tx) error {
		steps := []struct {
			query string
			count *int64
		}{
			// Codes first, so that those of expired flows count as codes.
			{"DELETE FROM codes WHERE expires_at <= $1 OR flow_id IN (SELECT id FROM flows WHERE expires_at <= $1)", &st.Codes},
			{"DELETE FROM flows WHERE expires_at <= $1", &st.Flows},
			{"DELETE FROM limit_hits WHERE expires_at <= $1", &st.Hits},
			{"DELETE FROM limit_blocks WHERE until <= $1", &st.Blocks},
		}
		for _, step := range steps {
			tag, err := tx.Exec(ctx, step.query, now)
			if err != nil {
				return err
			}
			*step.count = tag.RowsAffected()
		}
		if before := keep.AuditBefore(now); !before.IsZero() {
			tag, err := tx.Exec(ctx, "DELETE FROM audit_events WHERE time < $1", before)
			if err != nil {
				return err
			}
			st.Events = tag.RowsAffected()
		}
		return nil
	})
	if err != nil {
		return store.GCStats{}, dbError("gc", err)
	}
	return st, nil
}

// tx runs fn in a transaction and commits it when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// dbError wraps err, from the database, as the failure of what. A database
// out of reach (refused, broken off, timed out) is also store.ErrUnavailable,
// which frontdoor answers 503 rather than 500.
func dbError(what string, err error) error {
	if unreachable(err) {
		return fmt.Errorf("postgres: %s: %w: %w", what, store.ErrUnavailable, err)
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// unreachable tells whether err says the database could not be reached,
// the connection to it broke, or the server is not taking queries now
// (shutting down, starting, a standby after a failover), rather than that
// it refused the query. A request the client gave up is none of these.
func unreachable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe):
		// Class 08: connection exception; class 53: insufficient resources
		// (too many connections, out of memory or disk); 57P01-57P03: admin
		// or crash shutdown, cannot connect now; 25006: read-only
		// transaction.
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "53") || pe.Code == "57P01" ||
			pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "25006"
	case errors.As(err, &ce), errors.As(err, &ne):
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || pgconn.Timeout(err)
}

// noRows reports whether err says a query found no row.
func noRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
