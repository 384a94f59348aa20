package call

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	phonenum "github.com/frontdoor-sspr/frontdoor/phone"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	notifycall "github.com/frontdoor-sspr/frontdoor/notify/call"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// Budget is the toll-fraud budget a call must fit in (per country, per
// number, global per hour), shared by every replica. Allow reports false
// when placing a call to number (E.164) would exceed it; the budget then
// logs and alerts on its own.
type Budget interface {
	AllowCall(ctx context.Context, account, number string) (bool, error)
}

// Idler is a Budget that can do the store work of AllowCall without
// spending, for the calls that are not placed (a wrong number typed, an
// unknown user ID): their time then does not tell them apart.
type Idler interface {
	Idle(ctx context.Context, flowID string) error
}

// Method is one phone-call method.
type Method struct {
	name string
	// kind is "mobile" or "office": which of the account's numbers is called.
	kind string
	// Registrations and Sources give the registered numbers next to the
	// directory's, in the operator's order; nil Sources means the
	// directory's, then the registered one.
	Registrations methods.Registrations
	Sources       []string
	// Match reports whether the number the user typed is the account's (in
	// constant time); nil skips the question, for use outside a gate.
	Match func(typed, e164 string) bool

	Caller notifycall.Caller
	Codes  store.Codes
	Limits store.Limits
	// Secret keys the outcome hashes.
	Secret []byte
	Now    func() time.Time
	// Normalize turns a directory value into E.164, or fails; it is where
	// the phone package's parsing and allowed countries come in. Nil
	// accepts only values that are E.164 once spaces, dots, dashes and
	// brackets are removed.
	Normalize func(raw string) (string, error)
	// Budget, when set, must allow each call.
	Budget Budget
	// Audit receives an event per call outcome; nil records nothing.
	Audit store.Audit
	Log   *slog.Logger
	// Timeout is how long a call rings and then waits for the key; an
	// account without a number gets its "no answer" after it.
	Timeout time.Duration
	// TTL is how long a call's outcome can be verified (default 10 min).
	TTL time.Duration
	// PerWindow calls in Window per account and per number (5 an hour).
	PerWindow int
	Window    time.Duration

	callback http.Handler

	mu      sync.Mutex
	running map[string]*running // by flow and gate
	wg      sync.WaitGroup
}

var _ methods.Method = (*Method)(nil)

// New returns the method name ("mobile_call" or "office_call").
func New(name string) *Method {
	m := &Method{name: name, kind: "mobile", running: map[string]*running{}}
	if name == "office_call" {
		m.kind = "office"
	}
	return m
}

// number is the account's number for this method, in E.164, or "".
func (m *Method) number(ctx context.Context, u idp.User) string {
	n, _ := methods.FirstPhone(ctx, m.Registrations, m.Sources, u, m.kind, m.normalize)
	return n
}

// Ask implements methods.Asker: as in the reference, the user types the
// full number first, and the call goes out only when it is the account's.
func (m *Method) Ask() methods.AskField {
	return methods.AskField{Lead: "reset.ask." + m.name, Label: "reset.ask." + m.kind, Hint: "reset.ask.phone_hint",
		Autocomplete: "tel", InputType: "tel"}
}

// Name implements methods.Method.
func (m *Method) Name() string { return m.name }

// Kind implements methods.Method.
func (m *Method) Kind() methods.Kind { return methods.KindKeypress }

// Hint implements methods.Method: the number with all but its last two
// digits hidden.
func (m *Method) Hint(ctx context.Context, u idp.User) (string, bool) {
	n := m.number(ctx, u)
	if n == "" {
		return "", false
	}
	return Mask(n), true
}

// Mask hides all digits of an E.164 number but the last two.
func Mask(e164 string) string { return phonenum.MaskTail(e164) }

func (m *Method) normalize(raw string) (string, error) {
	if m.Normalize != nil {
		return m.Normalize(raw)
	}
	n := strings.Map(func(r rune) rune {
		if strings.ContainsRune(" .-()\u00a0", r) {
			return -1
		}
		return r
	}, raw)
	if len(n) < 8 || len(n) > 16 || n[0] != '+' || n[1] == '0' || strings.Trim(n[1:], "0123456789") != "" {
		return "", errors.New("call: not an E.164 number")
	}
	return n, nil
}

func (m *Method) settings() (ttl, window, timeout time.Duration, per int) {
	ttl, window, timeout, per = m.TTL, m.Window, m.Timeout, m.PerWindow
	if ttl == 0 {
		ttl = 10 * time.Minute
	}
	if window == 0 {
		window = time.Hour
	}
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	if per == 0 {
		per = 5
	}
	return
}

// The states a call's record can hold; the hash binds each to the flow,
// gate and method.
const (
	statePending   = "pending"
	stateConfirmed = "confirmed"
	// A refused call's record is "refused:" and a random suffix, so that
	// nothing matches it: one look exhausts it.
	stateRefused = "refused:"
	// pendingLooks bounds how often the page may look at a pending call.
	pendingLooks = 200
)

func (m *Method) hash(t methods.Target, state string) []byte {
	h := hmac.New(sha256.New, m.Secret)
	h.Write([]byte("call\x00" + m.name + "\x00" + t.Purpose + "\x00" + t.FlowID + "\x00" + state))
	return h.Sum(nil)
}

// Verify implements methods.Method: nil once the call of this flow and
// gate was confirmed with #; ErrPending while it rings or waits;
// ErrExhausted when it ended otherwise; ErrExpired past its lifetime.
func (m *Method) Verify(ctx context.Context, t methods.Target, _ url.Values) error {
	want, pend := m.hash(t, stateConfirmed), m.hash(t, statePending)
	pending := false
	res, err := m.Codes.Verify(ctx, t.FlowID, m.name, t.Purpose, func(h []byte) bool {
		pending = hmac.Equal(h, pend)
		return hmac.Equal(h, want)
	})
	// A wrong answer here is a call not confirmed: pending while it is
	// under way, else the challenge is spent.
	if err := methods.Outcome(res, err); !errors.Is(err, methods.ErrMismatch) {
		return err
	}
	if pending {
		return methods.ErrPending
	}
	return methods.ErrExhausted
}

// record stores a call's state for t, voiding the previous one.
func (m *Method) record(ctx context.Context, t methods.Target, state string, tries int) error {
	ttl, _, _, _ := m.settings()
	err := m.Codes.Put(ctx, store.Code{FlowID: t.FlowID, Method: m.name, Purpose: t.Purpose,
		Hash: m.hash(t, state), ExpiresAt: m.Now().Add(ttl), TriesLeft: tries})
	if err != nil {
		return fmt.Errorf("call: store the call's state: %w", err)
	}
	return nil
}

func refusedState() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("call: crypto/rand failed: " + err.Error())
	}
	return stateRefused + hex.EncodeToString(b)
}

// running is a call in progress on this replica.
type running struct{ cancel context.CancelFunc }
