package store

import "errors"

// Errors returned by every Store implementation, possibly wrapped; test them
// with errors.Is.
var (
	// ErrNotFound means the flow, code or registration does not exist, or
	// no longer does (consumed, exhausted, deleted, expired).
	ErrNotFound = errors.New("store: not found")
	// ErrExpired means the flow or code exists but is past its ExpiresAt.
	// errors.Is(ErrExpired, ErrNotFound) is true: callers that do not care
	// why a flow is gone test ErrNotFound only.
	ErrExpired error = expiredError{}
	// ErrConflict means a compare-and-swap lost: the record changed since it
	// was read (registrations), or kept changing through every retry (flows).
	ErrConflict = errors.New("store: concurrent update")
	// ErrExists means a flow with the same ID already exists.
	ErrExists = errors.New("store: already exists")
	// ErrInvalid means the arguments cannot be stored as given (missing ID,
	// zero expiry, non-positive limit).
	ErrInvalid = errors.New("store: invalid argument")
	// ErrUnavailable means the store could not be reached, or the
	// connection to it broke (PostgreSQL): a passing outage, answered 503.
	ErrUnavailable = errors.New("store: unavailable")
)

type expiredError struct{}

func (expiredError) Error() string { return "store: expired" }

// Is makes an expired record count as not found.
func (expiredError) Is(target error) bool { return target == ErrNotFound }
