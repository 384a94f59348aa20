package methods

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// EmailMessage is what the email method asks its Sender to deliver.
type EmailMessage struct {
	To   string
	Lang string
	Code string
	TTL  time.Duration
	User idp.User
}

// Email sends a numeric code to the user's address.
type Email struct {
	Codes  store.Codes
	Limits store.Limits
	// Secret keys the code hashes.
	Secret []byte
	// Send queues the message; it must not block on the mail server.
	Send   func(EmailMessage)
	Now    func() time.Time
	Digits int           // default 8
	TTL    time.Duration // default 10 minutes
	Tries  int           // default 5
	// PerAccount messages in Window, per account and per address.
	PerAccount int           // default 10
	Window     time.Duration // default 10 minutes
}

var _ Method = (*Email)(nil)

// Name implements Method.
func (*Email) Name() string { return "email" }

// Hint implements Method.
func (*Email) Hint(u idp.User) (string, bool) {
	if u.Email() == "" {
		return "", false
	}
	return MaskEmail(u.Email()), true
}

func (m *Email) defaults() (digits, tries, perAccount int, ttl, window time.Duration) {
	digits, tries, perAccount, ttl, window = m.Digits, m.Tries, m.PerAccount, m.TTL, m.Window
	if digits == 0 {
		digits = 8
	}
	if tries == 0 {
		tries = 5
	}
	if perAccount == 0 {
		perAccount = 10
	}
	if ttl == 0 {
		ttl = 10 * time.Minute
	}
	if window == 0 {
		window = 10 * time.Minute
	}
	return
}

// Start implements Method. A code is stored (hashed) for every target, so
// unknown users cost the same; only a real address receives it.
func (m *Email) Start(ctx context.Context, t Target) error {
	digits, tries, perAccount, ttl, window := m.defaults()
	code := randomDigits(digits)
	err := m.Codes.Put(ctx, store.Code{FlowID: t.FlowID, Method: m.Name(), Purpose: t.Purpose,
		Hash: codeHash(m.Secret, t, m.Name(), code), ExpiresAt: m.Now().Add(ttl), TriesLeft: tries})
	if err != nil {
		return fmt.Errorf("methods: store code: %w", err)
	}
	// The limits are counted for everyone, so a known account costs the same
	// store work as an unknown user ID; only a real address gets the code.
	to, keys := "", []string{"email:account:flow:" + t.FlowID, "email:address:flow:" + t.FlowID}
	if t.User != nil && t.User.Email() != "" {
		to = t.User.Email()
		keys = []string{"email:account:" + strings.ToLower(t.User.DN), "email:address:" + strings.ToLower(to)}
	}
	for _, key := range keys {
		ok, _, _, err := m.Limits.Hit(ctx, key, window, perAccount)
		if err != nil {
			return fmt.Errorf("methods: rate limit: %w", err)
		}
		if !ok && to != "" {
			return ErrTooMany
		}
	}
	if to == "" {
		return nil
	}
	m.Send(EmailMessage{To: to, Lang: t.Lang, Code: code, TTL: ttl, User: *t.User})
	return nil
}

// Verify implements Method.
func (m *Email) Verify(ctx context.Context, t Target, answer string) error {
	digits, _, _, _, _ := m.defaults()
	answer = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, answer)
	if len(answer) > 4*digits {
		answer = answer[:4*digits] // bound the work; such an answer is wrong anyway
	}
	want := codeHash(m.Secret, t, m.Name(), answer)
	res, err := m.Codes.Verify(ctx, t.FlowID, m.Name(), t.Purpose, func(hash []byte) bool { return hmac.Equal(hash, want) })
	switch {
	case errors.Is(err, store.ErrExpired):
		return ErrExpired
	case errors.Is(err, store.ErrNotFound):
		return ErrExhausted
	case err != nil:
		return fmt.Errorf("methods: verify: %w", err)
	case res.OK:
		return nil
	case res.Exhausted():
		return ErrExhausted
	}
	return ErrMismatch
}

// MaskEmail shows enough of an address for its owner to recognise it:
// "alice@example.com" becomes "al***@example.com".
func MaskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return "***"
	}
	keep := 2
	if utf8.RuneCountInString(local) <= 2 {
		keep = 1
	}
	r := []rune(local)
	return string(r[:min(keep, len(r))]) + strings.Repeat("*", max(3, len(r)-keep)) + "@" + domain
}
