package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	msqlite "modernc.org/sqlite"

	"github.com/frontdoor-sspr/frontdoor/store"
)

var _ store.Store = (*Store)(nil)

// Store is a store.Store on one SQLite database.
type Store struct {
	w   *sql.DB // the single writer connection
	r   *sql.DB // readers; the same pool as w for in-memory databases
	now func() time.Time

	// wprep and rprep are the statements prepared on w and on r, by their
	// SQL (see prepare).
	wprep, rprep statements

	writes     chan *writeReq // to the writer goroutine (see write)
	quit       chan struct{}
	writerDone chan struct{}

	closeOnce sync.Once
	closeErr  error
}

// Option configures Open.
type Option func(*options)

type options struct {
	now         func() time.Time
	busyTimeout time.Duration
	readers     int
	synchronous string
}

// WithNow sets the clock the store judges expiry by (default time.Now).
func WithNow(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithBusyTimeout sets how long a statement waits for a lock held by another
// process before failing (default 5 s).
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.busyTimeout = d }
}

// WithReaders sets the number of read connections (default 4).
func WithReaders(n int) Option {
	return func(o *options) { o.readers = n }
}

// WithSynchronous sets PRAGMA synchronous: "FULL" (the default, every commit
// survives a power loss, so a consumed code stays consumed) or "NORMAL"
// (faster; the last commits may roll back after a power loss, never after a
// crash of frontdoor alone).
func WithSynchronous(mode string) Option {
	return func(o *options) { o.synchronous = mode }
}

// cacheSize is each connection's page cache: 512 KiB instead of SQLite's
// 2 MB, five connections holding at most 2.5 MB. frontdoor reads a flow,
// a code or a window by its key; a page left out of the cache is read again
// from the operating system's, and with 1,000 flows in flight the smaller
// cache cost no CPU measurably and 2 MB less memory (docs/benchmarks.md,
// "Memory"). A dsn's own _pragma=cache_size(...) replaces it.
const cacheSize = "_pragma=cache_size(-512)"

// hasPragma tells whether a file: URI's query sets PRAGMA name.
// modernc.org/sqlite runs a URI's pragmas sorted, not in their order, so a
// default cannot simply come first for the operator's to override.
func hasPragma(uri, name string) bool {
	_, query, _ := strings.Cut(uri, "?")
	q, _ := url.ParseQuery(query)
	for _, p := range q["_pragma"] {
		if i := strings.IndexAny(p, "(="); i > 0 && strings.EqualFold(strings.TrimSpace(p[:i]), name) {
			return true
		}
	}
	return false
}

// Open opens (creating if needed) the database named by dsn and brings its
// schema up to date. dsn is a file path, a "file:" URI, or ":memory:" for a
// private in-memory database that lives as long as the Store. A URI's query
// parameters (modernc.org/sqlite's, such as _pragma=cache_size(-20000)) are
// passed on; the settings frontdoor relies on (WAL, foreign keys, busy
// timeout, synchronous) are its own and are changed through options only.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	o := options{now: time.Now, busyTimeout: 5 * time.Second, readers: 4, synchronous: "FULL"}
	for _, opt := range opts {
		opt(&o)
	}
	switch strings.ToUpper(o.synchronous) {
	case "FULL", "NORMAL", "EXTRA":
	default:
		return nil, fmt.Errorf("sqlite: synchronous %q: want FULL, NORMAL or EXTRA", o.synchronous)
	}
	if o.readers < 1 {
		o.readers = 1
	}
	file, memory, err := fileURI(dsn)
	if err != nil {
		return nil, err
	}
	params := []string{
		fmt.Sprintf("_pragma=busy_timeout(%d)", o.busyTimeout.Milliseconds()),
		"_pragma=foreign_keys(1)",
		"_pragma=synchronous(" + o.synchronous + ")",
	}
	if !hasPragma(file, "cache_size") {
		params = append(params, cacheSize)
	}
	if !memory {
		params = append(params, "_pragma=journal_mode(WAL)")
	}
	s := &Store{now: o.now}
	s.w, err = openPool(file, slices.Concat(params, []string{"_txlock=immediate"}), 1)
	if err != nil {
		return nil, err
	}
	s.r = s.w
	if !memory {
		s.r, err = openPool(file, slices.Concat(params, []string{"_pragma=query_only(1)"}), o.readers)
		if err != nil {
			s.w.Close()
			return nil, err
		}
	}
	s.writes, s.quit, s.writerDone = make(chan *writeReq), make(chan struct{}), make(chan struct{})
	go s.writer()
	if err := migrate(ctx, s.w); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.prepare(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// The statements of every flow step, prepared once when the store opens:
// preparing a statement costs more than running it. In a reset under load,
// preparing the reads of the flow took a tenth of frontdoor's CPU time, and
// then preparing the writes (rate limits, codes, audit events) 6 %.
// Statements not listed (garbage collection, audit queries, migrations) are
// prepared when they run.
var (
	writeSQL = []string{
		savepointSQL, releaseSQL, rollbackToSQL,
		createFlowSQL, swapFlowSQL, deleteFlowSQL, takeFlowSQL,
		flowExistsSQL, putCodeSQL, getCodeSQL, deleteCodeSQL, triesLeftSQL,
		pruneHitsSQL, windowSQL, addHitSQL, blockSQL, resetHitsSQL, resetBlockSQL,
		addRegistrationSQL, swapRegistrationSQL, deleteRegistrationSQL,
		appendEventSQL,
	}
	readSQL = []string{getFlowSQL, countHitsSQL, blockedSQL, getRegistrationSQL}
)

// The statements of a grouped write (see writeGroup).
const (
	savepointSQL  = "SAVEPOINT write"
	releaseSQL    = "RELEASE write"
	rollbackToSQL = "ROLLBACK TO write"
)

// statements are prepared statements by their SQL.
type statements map[string]*sql.Stmt

// prepare prepares writeSQL on the writer and readSQL on the readers. It runs
// before any write, while the writer's one connection is free.
func (s *Store) prepare(ctx context.Context) error {
	var err error
	if s.wprep, err = prepareAll(ctx, s.w, writeSQL); err != nil {
		return err
	}
	s.rprep, err = prepareAll(ctx, s.r, readSQL)
	return err
}

func prepareAll(ctx context.Context, db *sql.DB, queries []string) (statements, error) {
	m := make(statements, len(queries))
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			m.close()
			return nil, fmt.Errorf("sqlite: prepare %q: %w", q, err)
		}
		m[q] = st
	}
	return m, nil
}

func (m statements) close() {
	for _, st := range m {
		st.Close()
	}
}

// queryRow runs a read on the readers, prepared once when it is listed in
// readSQL.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.rprep[query]; st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, query, args...)
}

// wtx is a write transaction on the writer connection, whose statements
// listed in writeSQL run prepared.
type wtx struct {
	*sql.Tx
	prep statements
}

func (t wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.prep[query]; st != nil {
		return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t wtx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.prep[query]; st != nil {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// fileURI turns dsn into a SQLite URI and reports whether it names an
// in-memory database.
func fileURI(dsn string) (uri string, memory bool, err error) {
	switch {
	case dsn == "":
		return "", false, errors.New("sqlite: empty dsn")
	case dsn == ":memory:":
		return "file::memory:", true, nil
	case strings.HasPrefix(dsn, "file:"):
		return dsn, strings.Contains(dsn, "mode=memory") || strings.HasPrefix(dsn, "file::memory:"), nil
	}
	// A plain path: escape what would end the path part of a URI.
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(dsn), false, nil
}

func openPool(file string, params []string, conns int) (*sql.DB, error) {
	base, query, _ := strings.Cut(file, "?")
	dsn := base + "?" + strings.Join(params, "&")
	if query != "" {
		dsn += "&" + query
	}
	c, err := msqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

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
	if err := s.queryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// Close closes the database. Later calls return the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.quit)
		<-s.writerDone
		s.wprep.close()
		s.rprep.close()
		var rerr error
		if s.r != s.w {
			rerr = s.r.Close()
		}
		s.closeErr = errors.Join(s.w.Close(), rerr)
	})
	return s.closeErr
}

// GC deletes everything that expired by now.
func (s *Store) GC(ctx context.Context, now time.Time, keep store.Retention) (store.GCStats, error) {
	var st store.GCStats
	n := nanos(now)
	// Events at or after the cut are kept; without retention the cut is
	// before every event.
	cut := int64(math.MinInt64)
	if before := keep.AuditBefore(now); !before.IsZero() {
		cut = nanos(before)
	}
	err := s.write(ctx, func(tx wtx) error {
		steps := []struct {
			query string
			args  []any
			count *int64
		}{
			// Codes first, so that those of expired flows count as codes.
			{"DELETE FROM codes WHERE expires_at <= ? OR flow_id IN (SELECT id FROM flows WHERE expires_at <= ?)", []any{n, n}, &st.Codes},
			{"DELETE FROM flows WHERE expires_at <= ?", []any{n}, &st.Flows},
			{"DELETE FROM limit_hits WHERE expires_at <= ?", []any{n}, &st.Hits},
			{"DELETE FROM limit_blocks WHERE until <= ?", []any{n}, &st.Blocks},
			{"DELETE FROM audit_events WHERE time < ?", []any{cut}, &st.Events},
		}
		for _, step := range steps {
			res, err := tx.ExecContext(ctx, step.query, step.args...)
			if err != nil {
				return err
			}
			if *step.count, err = res.RowsAffected(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return store.GCStats{}, fmt.Errorf("sqlite: gc: %w", err)
	}
	return st, nil
}

// write runs fn in a write transaction (BEGIN IMMEDIATE on the single writer
// connection) and returns once it is committed, or fn's error.
//
// Writes that arrive while another commits are grouped: the writer goroutine
// runs each waiting fn in a savepoint of one transaction and commits them
// together, so that one fsync of the WAL serves them all (at synchronous=FULL
// a commit costs about an fsync, and the writes of concurrent flows would
// otherwise queue one fsync each). An fn that fails is rolled back to its
// savepoint alone; a failed commit fails every write of the group. Each fn
// sees the writes committed before it, as when writes ran one by one.
func (s *Store) write(ctx context.Context, fn func(wtx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.quit:
		return errors.New("sqlite: store closed")
	}
	return <-req.done
}

// writeReq is one write waiting for the writer goroutine.
type writeReq struct {
	ctx  context.Context
	fn   func(wtx) error
	done chan error
}

// maxGroup bounds the writes committed together.
const maxGroup = 64

func (s *Store) writer() {
	defer close(s.writerDone)
	group := make([]*writeReq, 0, maxGroup)
	for {
		select {
		case req := <-s.writes:
			group = append(group[:0], req)
		case <-s.quit:
			return
		}
	more: // take the writes already waiting, without waiting for more
		for len(group) < maxGroup {
			select {
			case req := <-s.writes:
				group = append(group, req)
			default:
				break more
			}
		}
		if len(group) == 1 {
			group[0].done <- s.writeOne(group[0])
			continue
		}
		s.writeGroup(group)
	}
}

// writeOne runs one write in a transaction of its own.
func (s *Store) writeOne(req *writeReq) error {
	tx, err := s.w.BeginTx(req.ctx, nil)
	if err != nil {
		return err
	}
	if err := req.fn(wtx{tx, s.wprep}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// writeGroup runs several writes in one transaction, each in a savepoint.
func (s *Store) writeGroup(group []*writeReq) {
	errs := make([]error, len(group))
	fail := func(err error) {
		for _, req := range group {
			req.done <- err
		}
	}
	ctx := context.Background()
	sqltx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	tx := wtx{sqltx, s.wprep}
	for i, req := range group {
		if err := req.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := tx.ExecContext(ctx, savepointSQL); err != nil {
			_ = tx.Rollback()
			fail(err)
			return
		}
		errs[i] = req.fn(tx)
		if errs[i] != nil {
			if _, err := tx.ExecContext(ctx, rollbackToSQL); err != nil {
				// SQLite rolled the whole transaction back (an I/O error, an
				// interrupted statement): none of the group is written.
				_ = tx.Rollback()
				fail(fmt.Errorf("%w (and the writes grouped with it: %v)", errs[i], err))
				return
			}
		}
		if _, err := tx.ExecContext(ctx, releaseSQL); err != nil {
			_ = tx.Rollback()
			fail(err)
			return
		}
	}
	cerr := tx.Commit()
	for i, req := range group {
		if errs[i] == nil {
			errs[i] = cerr
		}
		req.done <- errs[i]
	}
}

// nanos is how times are stored: Unix nanoseconds.
func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }
