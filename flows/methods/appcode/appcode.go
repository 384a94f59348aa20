package appcode

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// Name is the method's config name and its registration section.
const Name = "app_code"

// The TOTP settings every authenticator app understands (RFC 6238 defaults).
const (
	Period = 30 * time.Second
	Digits = 6
	// Skew is how many steps before or after the current one are accepted.
	Skew = 1
)

const (
	challengeTTL = 10 * time.Minute
	tries        = 5
	// usedFor is how long a used step is remembered: longer than the
	// 3 steps in which its code is accepted.
	usedFor = 4 * Period
)

// Registration is the user's "app_code" section.
type Registration struct {
	// Secret is the confirmed key (base32), "" when none.
	Secret string    `json:"secret,omitempty"`
	At     time.Time `json:"at,omitzero"`
	// Pending is a key shown by Begin and not yet confirmed.
	Pending   string    `json:"pending,omitempty"`
	PendingAt time.Time `json:"pending_at,omitzero"`
}

// AppCode is the app_code method.
type AppCode struct {
	Registrations methods.Registrations
	Codes         store.Codes
	Limits        store.Limits
	Secret        []byte
	Now           func() time.Time
	// Issuer names the organisation in the app ("Example Corp").
	Issuer string
}

var _ methods.Method = (*AppCode)(nil)

// New builds the method from the shared environment.
func New(e methods.Env) *AppCode {
	a := &AppCode{Registrations: e.Registrations, Now: time.Now, Issuer: "frontdoor"}
	if e.Codes != nil {
		a.Codes, a.Limits, a.Secret = e.Codes.Codes, e.Codes.Limits, e.Codes.Secret
		if e.Codes.Now != nil {
			a.Now = e.Codes.Now
		}
	}
	if e.Config != nil && e.Config.Organization != "" {
		a.Issuer = e.Config.Organization
	}
	return a
}

// Name implements methods.Method.
func (*AppCode) Name() string { return Name }

// Kind implements methods.Method.
func (*AppCode) Kind() methods.Kind { return methods.KindCode }

// Hint implements methods.Method: usable once a key is confirmed.
func (a *AppCode) Hint(ctx context.Context, u idp.User) (string, bool) {
	if a.Registrations == nil {
		return "", false
	}
	reg, _, err := a.registration(ctx, u.ID)
	return "", err == nil && reg.Secret != ""
}

func (a *AppCode) registration(ctx context.Context, userID string) (Registration, bool, error) {
	var reg Registration
	ok, err := a.Registrations.Section(ctx, userID, Name, &reg)
	return reg, ok, err
}

// Start implements methods.Method: nothing is sent; a challenge with its
// tries is bound to the flow and gate.
func (a *AppCode) Start(ctx context.Context, t methods.Target) error {
	err := a.Codes.Put(ctx, store.Code{FlowID: t.FlowID, Method: Name, Purpose: t.Purpose,
		Hash: a.digest("challenge", t.FlowID, t.Purpose), ExpiresAt: a.Now().Add(challengeTTL), TriesLeft: tries})
	if err != nil {
		return fmt.Errorf("appcode: store challenge: %w", err)
	}
	return nil
}

// Verify implements methods.Method: the form's code must be the code of the
// current step, or of the one before or after, and that step must not have
// been used by the account before. An account without a key (or no
// account) is checked against a key derived from the target's Key, which
// no app holds: the same work, never a pass.
func (a *AppCode) Verify(ctx context.Context, t methods.Target, form url.Values) error {
	secret, owner := a.decoy(t.Key), ""
	if t.User != nil && a.Registrations != nil {
		reg, _, err := a.registration(ctx, t.User.ID)
		if err != nil {
			return fmt.Errorf("appcode: read registration: %w", err)
		}
		if reg.Secret != "" {
			secret, owner = reg.Secret, t.User.ID
		}
	}
	step, ok := Match(secret, form.Get("code"), a.Now())
	if ok && owner != "" {
		fresh, err := a.claim(ctx, owner, step)
		if err != nil {
			return err
		}
		ok = fresh
	} else {
		ok = false
	}
	want := a.digest("challenge", t.FlowID, t.Purpose)
	return methods.Outcome(a.Codes.Verify(ctx, t.FlowID, Name, t.Purpose, func(h []byte) bool { return ok && hmac.Equal(h, want) }))
}

// claim records that the account used step; false when it already had.
func (a *AppCode) claim(ctx context.Context, userID string, step uint64) (bool, error) {
	ok, _, _, err := a.Limits.Hit(ctx, "app_code:used:"+userID+":"+strconv.FormatUint(step, 10), usedFor, 1)
	if err != nil {
		return false, fmt.Errorf("appcode: record the step: %w", err)
	}
	return ok, nil
}

// Match reports whether code is secret's code for the step of now or one
// step either side, and which step. Every candidate is computed and
// compared in constant time.
func Match(secret, code string, now time.Time) (uint64, bool) {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, code)
	cur := uint64(now.Unix()) / uint64(Period/time.Second)
	var step uint64
	found := 0
	for d := -Skew; d <= Skew; d++ {
		s := cur + uint64(int64(d))
		want, err := hotp.GenerateCodeCustom(secret, s, hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, found = s, 1
		}
	}
	return step, found == 1
}

// decoy is a key for an account without one, derived from key.
func (a *AppCode) decoy(key string) string {
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(a.digest("decoy", key)[:20])
}

func (a *AppCode) digest(parts ...string) []byte {
	h := hmac.New(sha256.New, a.Secret)
	h.Write([]byte("app code"))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return h.Sum(nil)
}
