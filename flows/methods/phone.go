package methods

import (
	"errors"
	"time"

	"github.com/frontdoor-sspr/frontdoor/phone"
)

// TextMessage is what the text method asks the server to deliver: the
// server words it in the user's language and sends it through the
// configured gateway, in the background.
type TextMessage struct {
	To   phone.Number
	Lang string
	Code string
	TTL  time.Duration
	// Flow and User name the flow and the account (Target.Key) for the audit
	// event of a send that fails after the request has been answered.
	Flow, User string
}

// NotSent is Start's result when nothing went out to a real account for a
// reason the user must not learn: the typed number is not the account's
// ("mismatch") or a toll-fraud budget is reached ("budget"). The gate shows
// the same page as after a send, and audits the reason.
type NotSent struct {
	Reason string
}

func (e *NotSent) Error() string { return "methods: nothing sent: " + e.Reason }

// IsNotSent reports whether err is a NotSent, and its reason.
func IsNotSent(err error) (string, bool) {
	var ns *NotSent
	if errors.As(err, &ns) {
		return ns.Reason, true
	}
	return "", false
}
