package methods

import (
	"context"
	"net/http"
	"time"
)

// Presenter is a method whose challenge page shows something of its own
// (the questions to answer, the number to pick on the phone). The gate
// passes what Challenge returns to the verify page as VerifyPage.Challenge;
// the page's partial for the method's Kind reads it.
type Presenter interface {
	// Challenge returns the data of t's current challenge. It does the same
	// work whether or not t.User is set.
	Challenge(ctx context.Context, t Target) (any, error)
}

// Weakness is implemented by methods that may not be the only strong proof
// of identity: when a flow requires two gates, at least one of them must be
// passed with a method that is not weak (security questions are weak).
type Weakness interface {
	Weak() bool
}

// IsWeak tells whether m declares itself weak.
func IsWeak(m Method) bool {
	w, ok := m.(Weakness)
	return ok && w.Weak()
}

// Change is a change of a user's registered security info made through a
// method's enrolment API (Enroll, Confirm, Remove). The security info page
// turns it into a notice mailed to the user's addresses (SPEC 2.4: every
// change of security info is notified).
type Change struct {
	// Method is the method's config name ("security_questions").
	Method string
	// UserID is idp.User.ID of the account.
	UserID string
	// Action is ChangeRegistered, ChangeReplaced or ChangeRemoved.
	Action string
	At     time.Time
}

// Change actions.
const (
	ChangeRegistered = "registered"
	ChangeReplaced   = "replaced"
	ChangeRemoved    = "removed"
)

// Mounter is a method with routes of its own (the callbacks of a push
// provider); the server mounts them under the prefix.
type Mounter interface {
	Mount(mux *http.ServeMux, prefix string)
}

// Scripted is a method whose challenge page runs one of frontdoor's own
// script files (passkeys call the browser's WebAuthn API); the gate then
// allows script files of frontdoor's origin on that page only.
type Scripted interface {
	Scripted() bool
}
