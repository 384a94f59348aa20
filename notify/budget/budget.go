// Package budget holds the toll-fraud limits on texts and calls: per
// account, per destination number, per country and a global hourly budget
// for each kind, counted in the store (store.Limits) so that they hold
// across replicas. The text method and the call methods spend from the
// same budget before every send.
package budget

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/phone"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// Kind is what is sent.
type Kind string

// The kinds of sends.
const (
	Text Kind = "text"
	Call Kind = "call"
)

// ErrTripped means a limit is reached: nothing may be sent.
var ErrTripped = errors.New("budget: limit reached")

// Trip describes a refused send, for the log, the metric and the alert; it
// holds the number masked only.
type Trip struct {
	Kind Kind
	// Limit is the limit reached: "account", "number", "country", "global".
	Limit   string
	Country string
	// To is the destination, masked.
	To      string
	Account string
}

// Budget spends from the limits of the budgets section.
type Budget struct {
	Limits store.Limits
	Config config.Budgets
	// Secret keys the digests that stand for numbers in the store's keys.
	Secret []byte
	// OnTrip is told of every refused send (log, metric, alert); may be nil.
	OnTrip func(context.Context, Trip)
}

// Spend counts one send of kind for account to the number to, or returns
// ErrTripped when a limit is reached. The limits are checked from the
// narrowest to the global one, so that one account or one number cannot
// use up the global budget; a refused attempt stays counted in the limits
// checked before the one it reached (an account that keeps trying stays
// refused).
func (b *Budget) Spend(ctx context.Context, kind Kind, account string, to phone.Number) error {
	c := b.Config
	global := c.TextsPerHour
	if kind == Call {
		global = c.CallsPerHour
	}
	for _, l := range []struct {
		name, key string
		window    time.Duration
		max       int
	}{
		{"account", "budget:account:" + account, time.Hour, c.PerAccountPerHour},
		{"number", "budget:number:" + b.digest(to.E164), 24 * time.Hour, c.PerNumberPerDay},
		{"country", "budget:country:" + to.Region, time.Hour, c.PerCountryPerHour},
		{"global", "budget:global:" + string(kind), time.Hour, global},
	} {
		ok, _, _, err := b.Limits.Hit(ctx, l.key, l.window, l.max)
		if err != nil {
			return fmt.Errorf("budget: %w", err)
		}
		if !ok {
			if b.OnTrip != nil {
				b.OnTrip(ctx, Trip{Kind: kind, Limit: l.name, Country: to.Region, To: phone.Mask(to), Account: account})
			}
			return ErrTripped
		}
	}
	return nil
}

// Idle does the store work of a Spend on keys of the flow's own that no
// limit reads, so that a send that stops before the budget (a wrong number
// typed, an unknown user ID) takes as long as one that spends.
func (b *Budget) Idle(ctx context.Context, flowID string) error {
	for i := range 4 {
		if _, _, _, err := b.Limits.Hit(ctx, "budget-idle:"+flowID+":"+strconv.Itoa(i), time.Hour, 1<<20); err != nil {
			return fmt.Errorf("budget: %w", err)
		}
	}
	return nil
}

// digest stands for a number in the store: the store never holds it in full.
func (b *Budget) digest(e164 string) string {
	m := hmac.New(sha256.New, b.Secret)
	m.Write([]byte("budget number\x00" + e164))
	return hex.EncodeToString(m.Sum(nil)[:12])
}
