package methods

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"math/big"
	"net/url"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Errors of Verify and Start.
var (
	// ErrMismatch means the answer is wrong; tries remain.
	ErrMismatch = errors.New("methods: wrong code")
	// ErrExhausted means the answer is wrong and no tries remain, or there is
	// no live code (never sent, used, or voided by a resend).
	ErrExhausted = errors.New("methods: no live code")
	// ErrExpired means the code is past its lifetime.
	ErrExpired = errors.New("methods: code expired")
	// ErrTooMany means a send limit was reached; nothing was sent.
	ErrTooMany = errors.New("methods: too many messages")
	// ErrPending means the challenge has no answer yet (a call still
	// ringing or waiting for its key, an approval not given on the phone):
	// show the page again, count nothing.
	ErrPending = errors.New("methods: no answer yet")
)

// Target is whom a challenge is for, within which flow and gate.
type Target struct {
	FlowID  string
	Purpose string // the gate: "gate1", "gate2"
	Lang    string
	// User is the account, or nil when the user ID matched nobody (or nobody
	// who may use the method): the method then sends nothing.
	User *idp.User
	// Confirm is what the user typed when the gate asked for it before
	// Start (Asker methods); empty otherwise.
	Confirm string
	// Key names the account, or a keyed digest of the user ID that matched
	// nobody, the same in every flow: methods that show something before any
	// answer (security questions) derive what an unknown ID sees from it, so
	// that it stays the same for that ID.
	Key string
}

// Asker is a method that asks the user for something before it sends its
// challenge: as in the reference, the text and call methods ask for the
// full phone number, and send only when it is the account's. The gate
// shows the field on the verify page, passes the answer to Start in
// Target.Confirm, then shows the challenge's page whatever the answer: Start
// must not tell, by its result or its time, whether the answer was right.
type Asker interface {
	Method
	// Ask describes the field to show.
	Ask() AskField
}

// AskField is the field an Asker shows; its texts are message IDs.
type AskField struct {
	// Lead is the paragraph above the field.
	Lead         string
	Label, Hint  string
	Autocomplete string
	// InputType is the input's type ("tel").
	InputType string
}

// Kind is how a method's challenge is answered; the verify page is chosen
// by kind.
type Kind string

// The challenge kinds.
const (
	// KindCode: type a code that was sent.
	KindCode Kind = "code"
	// KindApproval: wait for an approval on another device.
	KindApproval Kind = "approval"
	// KindQuestions: answer security questions.
	KindQuestions Kind = "questions"
	// KindKeypress: press a key on a phone call.
	KindKeypress Kind = "keypress"
	// KindPasskey: use a passkey (WebAuthn) in the browser.
	KindPasskey Kind = "passkey"
)

// Method is one way for a user to prove who they are.
type Method interface {
	// Name is the method's config name ("email").
	Name() string
	// Kind is how its challenge is answered.
	Kind() Kind
	// Hint returns the masked destination ("al***@example.com"), and false
	// when u cannot use the method. It may read the user's registered
	// security info (Env.Registrations), hence the context.
	Hint(ctx context.Context, u idp.User) (string, bool)
	// Start sends a fresh challenge, voiding any earlier one of the target.
	Start(ctx context.Context, t Target) error
	// Verify checks the answer in the submitted form: nil, ErrMismatch,
	// ErrExhausted or ErrExpired.
	Verify(ctx context.Context, t Target, form url.Values) error
}

// randomDigits returns n crypto-random decimal digits.
func randomDigits(n int) string {
	b := make([]byte, n)
	ten := big.NewInt(10)
	for i := range b {
		d, err := rand.Int(rand.Reader, ten)
		if err != nil {
			panic("methods: crypto/rand failed: " + err.Error())
		}
		b[i] = byte('0' + d.Int64())
	}
	return string(b)
}

// codeHash binds a code to its flow, method and gate: a code from one never
// passes another.
func codeHash(secret []byte, t Target, method, code string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(method + "\x00" + t.Purpose + "\x00" + t.FlowID + "\x00" + code))
	return m.Sum(nil)
}
