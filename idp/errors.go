package idp

import (
	"errors"
	"strings"
)

// Errors that backends return, wrapped with detail for the log. Callers test
// them with errors.Is and never look at error text.
var (
	// ErrNotFound means no user matches the login.
	ErrNotFound = errors.New("idp: no such user")
	// ErrAmbiguous means more than one user matches the login; none is used.
	ErrAmbiguous = errors.New("idp: login matches more than one user")
	// ErrUnavailable means the directory cannot be reached or refused the
	// connection (network, TLS, service credentials, timeouts). Retry later.
	// When a write loses its connection after sending, its outcome is
	// unknown: read the account back (or retry the same password) before
	// telling the user that nothing changed.
	ErrUnavailable = errors.New("idp: directory unavailable")
	// ErrBadPassword means the current password given for a change is wrong.
	ErrBadPassword = errors.New("idp: current password is wrong")
	// ErrLocked means the account is locked and the operation cannot proceed:
	// an administrative lock, or a change attempted while locked out.
	ErrLocked = errors.New("idp: account is locked")
	// ErrRefused means the directory denied the write to the service
	// account (missing rights) or refused it for another reason than policy.
	ErrRefused = errors.New("idp: directory refused the operation")
	// ErrPartial means the password was set but a second write that goes
	// with it failed (unlock, must-change, keeping a lockout): the account's
	// state is not the one asked for. Report it; do not retry the password.
	ErrPartial = errors.New("idp: password set but the account state is incomplete")
)

// Reason says why a directory's password policy rejected a password.
type Reason string

// Reasons a password can be rejected for.
const (
	ReasonTooShort   Reason = "too_short"
	ReasonHistory    Reason = "history"
	ReasonComplexity Reason = "complexity"
	ReasonTooYoung   Reason = "too_young"
	ReasonOther      Reason = "other"
)

// PolicyError is a rejection of a new password by the directory's policy.
// Nothing was written.
type PolicyError struct {
	Reasons []Reason
	// Err is the directory's answer, for the log only.
	Err error
}

func (e *PolicyError) Error() string {
	rs := make([]string, len(e.Reasons))
	for i, r := range e.Reasons {
		rs[i] = string(r)
	}
	msg := "idp: password rejected by the directory policy (" + strings.Join(rs, ", ") + ")"
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *PolicyError) Unwrap() error { return e.Err }

// Has reports whether r is among the reasons.
func (e *PolicyError) Has(r Reason) bool {
	for _, x := range e.Reasons {
		if x == r {
			return true
		}
	}
	return false
}
