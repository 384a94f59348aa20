package call

import (
	"context"
	"errors"
)

// Outcome is how a verification call ended. Only Confirmed passes a gate.
type Outcome string

// The outcomes of a call.
const (
	// Confirmed: the callee pressed #.
	Confirmed Outcome = "confirmed"
	// WrongKey: the callee pressed another key first.
	WrongKey Outcome = "wrong_key"
	// HungUp: the callee answered and hung up without pressing a key.
	HungUp Outcome = "hung_up"
	// Rejected: the callee's phone refused the call (busy, declined).
	Rejected Outcome = "rejected"
	// NoAnswer: nobody answered within the timeout.
	NoAnswer Outcome = "no_answer"
	// Silent: the callee answered but pressed no key within the timeout.
	Silent Outcome = "silent"
)

// Outcomes lists every outcome, for validation and metrics.
var Outcomes = []Outcome{Confirmed, WrongKey, HungUp, Rejected, NoAnswer, Silent}

// Valid reports whether o is one of Outcomes.
func (o Outcome) Valid() bool {
	for _, v := range Outcomes {
		if o == v {
			return true
		}
	}
	return false
}

// Caller places a verification call and waits for its outcome.
type Caller interface {
	// Call rings to (a number in E.164, "+14155550101"), speaks the prompt
	// in lang (a BCP 47 tag; unknown languages get English) and returns how
	// the call ended. It blocks until then: at most about twice the
	// driver's timeout (ringing, then waiting for the key). An error means
	// the call could not be placed or followed (gateway down or refusing);
	// the user's side of things is always an Outcome.
	Call(ctx context.Context, to, lang string) (Outcome, error)
}

// ErrNumber means the number is not in E.164 form; nothing was dialled.
var ErrNumber = errors.New("call: number is not in E.164 form")

// checkE164 accepts "+" and 7 to 15 digits, the first not 0. Callers pass
// numbers the phone package has already parsed; this guards the dial
// string against anything else (a SIP URI or TwiML built from it).
func checkE164(to string) error {
	if len(to) < 8 || len(to) > 16 || to[0] != '+' || to[1] == '0' {
		return ErrNumber
	}
	for _, c := range to[1:] {
		if c < '0' || c > '9' {
			return ErrNumber
		}
	}
	return nil
}
