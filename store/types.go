package store

import "time"

// Flow kinds. The store does not interpret them; they are here so that every
// package spells them the same way.
const (
	KindReset    = "reset"
	KindUnlock   = "unlock"
	KindChange   = "change"
	KindRegister = "register"
	KindHelpdesk = "helpdesk"
)

// Flow is one user's walk through a flow, persisted between requests.
type Flow struct {
	// ID is the flow's secret handle (see NewID), carried in its cookie.
	ID string
	// Kind says which flow this is (KindReset, ...).
	Kind string
	// Step is the flow engine's current state.
	Step string
	// UserRef names the account once identified (login or DN); empty before,
	// and for unknown users in generic disclosure mode.
	UserRef string
	// Data is the engine's own state, serialised (JSON); the store keeps it
	// as bytes.
	Data []byte
	// CreatedAt and ExpiresAt bound the flow's life; at ExpiresAt it is gone.
	CreatedAt time.Time
	ExpiresAt time.Time
	// Version counts saves: 1 after Create, one more after each Update.
	Version int64
}

// Code is a verification code sent to the user, held as a hash.
type Code struct {
	// FlowID, Method and Purpose identify the code: one live code per triple.
	FlowID  string
	Method  string // "email", "sms", ...
	Purpose string // what passing it proves, e.g. "gate1" or "register-email"
	// Hash is the caller's hash of the code; the store compares nothing.
	Hash      []byte
	ExpiresAt time.Time
	// TriesLeft is how many wrong submissions the code survives.
	TriesLeft int
}

// CodeResult is the outcome of Codes.Verify for a code that was live.
type CodeResult struct {
	// OK means the submission matched and the code is now consumed.
	OK bool
	// TriesLeft is what remains after a mismatch; 0 means the code is gone.
	TriesLeft int
}

// Exhausted reports whether this mismatch spent the last try.
func (r CodeResult) Exhausted() bool { return !r.OK && r.TriesLeft <= 0 }

// Event is one audit record. It must never hold a secret, a password or a
// code.
type Event struct {
	// ID is assigned by the store, increasing with each Append.
	ID        int64
	Time      time.Time
	Type      string // "flow.started", "method.failed", ...
	Flow      string // flow ID, if any
	User      string // login or DN, if known
	IP        string
	RequestID string
	Outcome   string // "ok", "failed", "blocked", ...
	Detail    map[string]string
}

// Filter selects audit events. Zero fields select everything.
type Filter struct {
	Since time.Time // events at or after
	Until time.Time // events before
	User  string
	Type  string
	Flow  string
	// Limit caps the number of events returned (the newest); 0 means no cap.
	Limit int
}

// Registration is a user's registered security info (alternate email, phone,
// questions, authenticator secret, ...) as a document the methods own.
type Registration struct {
	User      string // the account, as in Flow.UserRef
	Data      []byte // JSON, owned by the registration flow and methods
	UpdatedAt time.Time
	// Version counts saves; 0 means not stored yet.
	Version int64
}

// GCStats says how many records a GC removed.
type GCStats struct {
	Flows  int64
	Codes  int64
	Hits   int64
	Blocks int64
	Events int64
}

// Retention says how long GC keeps records that do not expire by themselves.
type Retention struct {
	// Audit is how long audit events are kept; 0 keeps them for ever.
	Audit time.Duration
}

// AuditBefore is the time before which GC at now removes audit events; the
// zero time when they are kept for ever.
func (k Retention) AuditBefore(now time.Time) time.Time {
	if k.Audit <= 0 {
		return time.Time{}
	}
	return now.Add(-k.Audit)
}
