package methods

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// CodeService is the part every code method shares: it makes a code, keeps
// its hash bound to the flow, gate and method, counts tries and expiry,
// voids the previous code on a resend and applies the send limits. A code
// method adds only its transport.
type CodeService struct {
	Codes  store.Codes
	Limits store.Limits
	// Secret keys the code hashes.
	Secret []byte
	Now    func() time.Time
	TTL    time.Duration // default 10 minutes
	Tries  int           // default 5
	// PerAccount messages in Window, per account and per destination.
	PerAccount int           // default 10
	Window     time.Duration // default 10 minutes
}

func (s *CodeService) settings() (tries, perAccount int, ttl, window time.Duration) {
	tries, perAccount, ttl, window = s.Tries, s.PerAccount, s.TTL, s.Window
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

// codeTTL returns the lifetime of a code.
func (s *CodeService) codeTTL() time.Duration { _, _, ttl, _ := s.settings(); return ttl }

// Lifetime returns the lifetime of a code, for the message that carries it.
func (s *CodeService) Lifetime() time.Duration { return s.codeTTL() }

// Issue stores a fresh code of digits digits for t and method, voiding the
// previous one, and counts the send limits of the account and the
// destination. It does the same work whether or not there is a destination
// (an unknown user ID costs what a known one does), and returns the code to
// deliver, or "" when there is nobody to deliver it to. A reached limit is
// ErrTooMany, for a real destination only.
func (s *CodeService) Issue(ctx context.Context, t Target, method string, digits int, to string) (string, error) {
	tries, perAccount, ttl, window := s.settings()
	code := randomDigits(digits)
	err := s.Codes.Put(ctx, store.Code{FlowID: t.FlowID, Method: method, Purpose: t.Purpose,
		Hash: codeHash(s.Secret, t, method, code), ExpiresAt: s.Now().Add(ttl), TriesLeft: tries})
	if err != nil {
		return "", fmt.Errorf("methods: store code: %w", err)
	}
	keys := []string{method + ":account:flow:" + t.FlowID, method + ":address:flow:" + t.FlowID}
	if t.User != nil && to != "" {
		keys = []string{method + ":account:" + t.User.ID, method + ":address:" + addressDigest(s.Secret, to)}
	} else {
		to = ""
	}
	// Both limits are counted every time, reached or not: a reached limit
	// must not make the step shorter.
	allowed := true
	for _, key := range keys {
		ok, _, _, err := s.Limits.Hit(ctx, key, window, perAccount)
		if err != nil {
			return "", fmt.Errorf("methods: rate limit: %w", err)
		}
		allowed = allowed && ok
	}
	switch {
	case to == "":
		return "", nil
	case !allowed:
		return "", ErrTooMany
	}
	return code, nil
}

// Check verifies an answer against the live code of t and method: nil,
// ErrMismatch, ErrExhausted or ErrExpired.
func (s *CodeService) Check(ctx context.Context, t Target, method string, digits int, answer string) error {
	answer = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, answer)
	if len(answer) > 4*digits {
		answer = answer[:4*digits] // bound the work; such an answer is wrong anyway
	}
	want := codeHash(s.Secret, t, method, answer)
	return Outcome(s.Codes.Verify(ctx, t.FlowID, method, t.Purpose, func(hash []byte) bool { return hmac.Equal(hash, want) }))
}

// Outcome turns the store's answer to a challenge check (store.Codes'
// Verify) into Verify's: nil when it passed, ErrMismatch, ErrExhausted (no
// live challenge, or no tries left) or ErrExpired.
func Outcome(res store.CodeResult, err error) error {
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

// addressDigest stands for a destination (a mail address, a phone number)
// in the store's limit keys: the store never holds it in clear.
func addressDigest(secret []byte, to string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("send address\x00" + strings.ToLower(to)))
	return hex.EncodeToString(m.Sum(nil)[:12])
}
