package appnotify

import (
	"context"
	"errors"
)

// Outcome is what the user did with a push.
type Outcome int

// The outcomes.
const (
	Pending Outcome = iota
	Approved
	Denied
)

// Choice is one answer offered on the phone, with the URL it calls.
type Choice struct {
	// Label is what the button says: a number, or the word for deny.
	Label string
	URL   string
}

// Push is one approval request.
type Push struct {
	// Ref is the user's reference at the provider (Duo user name, ntfy topic).
	Ref     string
	Title   string
	Message string
	// Number is the number the page shows.
	Number int
	// Choices are the numbers and the deny button, for providers that call
	// back (ntfy); Duo shows Number in the push's details instead.
	Choices []Choice
}

// Provider delivers pushes.
type Provider interface {
	// Send delivers p. It returns the provider's transaction ID when the
	// outcome must be asked for (Duo), "" when it comes by callback (ntfy).
	Send(ctx context.Context, p Push) (txid string, err error)
	// Status asks for the outcome of a transaction Send returned.
	Status(ctx context.Context, txid string) (Outcome, error)
	// Ready tells whether ref can receive pushes now (Duo: enrolled with a
	// device that takes pushes); nil when it can.
	Ready(ctx context.Context, ref string) error
	// CallsBack tells whether outcomes arrive through Callbacks.
	CallsBack() bool
}

// ErrNotReady means the user cannot receive pushes from the provider.
var ErrNotReady = errors.New("appnotify: the account cannot receive pushes")
