package store

import (
	"context"
	"time"
)

// Store is everything frontdoor persists. Each part is a narrow interface;
// hand a package only the part it needs.
type Store interface {
	Flows() Flows
	Codes() Codes
	Limits() Limits
	Audit() Audit
	Registrations() Registrations

	// GC removes what has expired by now: flows (with their codes), codes,
	// rate-limit hits that left their window and blocks that ended, and the
	// audit events older than keep.Audit (all are kept when it is 0).
	GC(ctx context.Context, now time.Time, keep Retention) (GCStats, error)
	// Ping reports whether the store can answer queries, for /readyz.
	Ping(ctx context.Context) error
	// Close releases the store. It is safe to call more than once.
	Close() error
}

// Flows holds the state of flows in progress.
type Flows interface {
	// Create stores a new flow at Version 1. f.ID (from NewID), f.Kind and
	// f.ExpiresAt are required (ErrInvalid); a zero CreatedAt becomes the
	// store's now. ErrExists when the ID is taken.
	Create(ctx context.Context, f Flow) error
	// Get returns the flow; ErrNotFound when there is none, ErrExpired (which
	// is also ErrNotFound) when it is past its ExpiresAt.
	Get(ctx context.Context, id string) (Flow, error)
	// Update applies fn to a copy of flow f.ID and saves the result only if
	// the flow's Version has not changed since it was read, and returns it
	// as saved, at its new Version. f is the flow as the caller read it
	// (Get), or only its ID: while the stored Version is still f.Version, fn
	// is applied to f and nothing is read. Otherwise (f.Version 0, the
	// version moved on, or fn failed on f, which may be stale) Update reads
	// the flow and reapplies fn, again when another writer overtakes it, a
	// few times, then gives up with ErrConflict. So fn may run more than
	// once: it must only change the *Flow it is given, and must not call the
	// store. An error from fn on the flow as stored aborts the update,
	// nothing is written, and Update returns that error. fn may change Kind,
	// Step, UserRef, Data and ExpiresAt (but not clear Kind or ExpiresAt:
	// ErrInvalid); ID and CreatedAt are kept and Version goes up by one. A
	// flow past its ExpiresAt cannot be updated (ErrExpired); a missing one
	// is ErrNotFound. A store may keep the saved ExpiresAt at a coarser
	// precision.
	Update(ctx context.Context, f Flow, fn func(*Flow) error) (Flow, error)
	// Rekey moves flow id to newID in one transaction, at Version 1, and
	// returns it: the old ID is gone, with its codes, and no moment has both
	// or neither; of concurrent rekeys of one flow, one wins and the others
	// find it gone. A missing or expired flow is ErrNotFound. newID must be
	// new (NewID): a taken one is ErrExists and changes nothing.
	Rekey(ctx context.Context, id, newID string) (Flow, error)
	// Delete removes the flow and its codes. Deleting a missing flow is not
	// an error.
	Delete(ctx context.Context, id string) error
}

// Codes holds verification codes, hashed by the caller: the store never
// sees a code in clear.
type Codes interface {
	// Put stores c, voiding any code held for the same FlowID, Method and
	// Purpose. The flow must exist (ErrNotFound); Hash, ExpiresAt and a
	// positive TriesLeft are required (ErrInvalid).
	Put(ctx context.Context, c Code) error
	// Verify checks a submitted code in one atomic step. match is given the
	// stored hash and reports whether the submission matches it; it must be
	// quick and must not call the store. On a match the code is consumed
	// (deleted) and the result is OK. On a mismatch one try is spent; the
	// try that reaches zero deletes the code (result Exhausted). A missing,
	// consumed or exhausted code is ErrNotFound, an expired one ErrExpired.
	// Of several parallel correct submissions exactly one is OK.
	Verify(ctx context.Context, flowID, method, purpose string, match func(hash []byte) bool) (CodeResult, error)
}

// Limits counts events in sliding time windows shared by every replica, and
// holds blocks. A key names what is counted, e.g. "reset-fail:user:alice";
// use one window per key.
type Limits interface {
	// Hit records one event under key unless max events already happened
	// within the last window. allowed says whether it was recorded; count is
	// the number of events in the window including this one (when allowed)
	// or the number that refused it (when not); retryAfter, when refused, is
	// how long until the oldest of them leaves the window. Parallel hits
	// never let more than max through. window > 0 and max > 0, else
	// ErrInvalid.
	Hit(ctx context.Context, key string, window time.Duration, max int) (allowed bool, count int, retryAfter time.Duration, err error)
	// Count returns the number of events recorded under key within the last
	// window, without recording one.
	Count(ctx context.Context, key string, window time.Duration) (int, error)
	// Block marks key as blocked until the given time, replacing any block.
	Block(ctx context.Context, key string, until time.Time) error
	// Blocked reports whether key is blocked now, and until when.
	Blocked(ctx context.Context, key string) (until time.Time, blocked bool, err error)
	// Reset forgets the events and the block of key.
	Reset(ctx context.Context, key string) error
}

// Audit is the append-only record of what happened.
type Audit interface {
	// Append records e. A zero Time becomes the store's now; Type is
	// required (ErrInvalid).
	Append(ctx context.Context, e Event) error
	// List returns the events that pass f, newest first.
	List(ctx context.Context, f Filter) ([]Event, error)
}

// Registrations holds each user's registered security info as an opaque
// document, updated by compare-and-swap on its Version.
type Registrations interface {
	// Get returns the registration of user, ErrNotFound when there is none.
	Get(ctx context.Context, user string) (Registration, error)
	// Put stores r if the stored Version still equals r.Version (0: there is
	// no registration yet), else returns ErrConflict. The stored Version
	// becomes r.Version+1 and UpdatedAt the store's now. r.User is required
	// (ErrInvalid).
	Put(ctx context.Context, r Registration) error
	// Delete removes the registration of user; a missing one is not an error.
	Delete(ctx context.Context, user string) error
}
