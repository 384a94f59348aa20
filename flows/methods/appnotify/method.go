package appnotify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// Name is the method's config name and its registration section.
const Name = "app_notification"

// Timeout is how long a push can be answered.
const Timeout = 60 * time.Second

// seqWindow outlives any flow: the sequence of a gate's challenges.
const seqWindow = 20 * time.Minute

// Registration is the user's "app_notification" section.
type Registration struct {
	Provider string    `json:"provider"`
	Ref      string    `json:"ref"` // Duo user name or ntfy topic
	At       time.Time `json:"at"`
}

// AppNotify is the app_notification method.
type AppNotify struct {
	Registrations methods.Registrations
	Codes         store.Codes
	Limits        store.Limits
	Secret        []byte
	Now           func() time.Time
	Provider      Provider
	// ProviderName is "duo" or "ntfy", kept in registrations.
	ProviderName string
	// Answers is the absolute URL callbacks are under (public URL + prefix).
	Answers string
	// Message words the push; nil falls back to the message IDs.
	Message func(lang, id string, args ...any) string
}

var (
	_ methods.Method    = (*AppNotify)(nil)
	_ methods.Presenter = (*AppNotify)(nil)
	_ methods.Mounter   = (*AppNotify)(nil)
)

// Name implements methods.Method.
func (*AppNotify) Name() string { return Name }

// Kind implements methods.Method.
func (*AppNotify) Kind() methods.Kind { return methods.KindApproval }

// Hint implements methods.Method: usable with a registration for the
// configured provider.
func (m *AppNotify) Hint(ctx context.Context, u idp.User) (string, bool) {
	if m.Registrations == nil {
		return "", false
	}
	reg, err := m.registration(ctx, u.ID)
	return "", err == nil && reg.Ref != "" && reg.Provider == m.ProviderName
}

func (m *AppNotify) registration(ctx context.Context, userID string) (Registration, error) {
	var reg Registration
	_, err := m.Registrations.Section(ctx, userID, Name, &reg)
	return reg, err
}

// Challenge is what the approval page shows.
type Challenge struct {
	// Number is the number to pick on the phone; 0 before Start.
	Number int
}

// Start implements methods.Method: a new challenge (voiding the earlier
// one of the gate), and a push to a registered account only. The store
// work is the same for every target.
func (m *AppNotify) Start(ctx context.Context, t methods.Target) error {
	_, seq, _, err := m.Limits.Hit(ctx, m.seqKey(t), seqWindow, 1000)
	if err != nil {
		return fmt.Errorf("appnotify: count challenges: %w", err)
	}
	now := m.Now()
	slot := "none"
	if t.User != nil && m.Registrations != nil {
		reg, err := m.registration(ctx, t.User.ID)
		if err != nil {
			return fmt.Errorf("appnotify: read registration: %w", err)
		}
		if reg.Ref != "" {
			txid, err := m.Provider.Send(ctx, m.push(t, reg, seq, now.Add(Timeout)))
			if err != nil {
				// The page stays the same as for an account that gets no
				// push (it tells nothing); the challenge just expires.
				slog.Default().WarnContext(ctx, "push not sent", "method", Name, "err", err)
			} else {
				slot = "sent:" + txid
			}
		}
	}
	// The slot holds what Verify needs (the provider's transaction); reading
	// it spends a try, hence the many.
	err = m.Codes.Put(ctx, store.Code{FlowID: t.FlowID, Method: Name, Purpose: t.Purpose,
		Hash: []byte(slot), ExpiresAt: now.Add(Timeout), TriesLeft: 10000})
	if err != nil {
		return fmt.Errorf("appnotify: store challenge: %w", err)
	}
	return nil
}

func (m *AppNotify) push(t methods.Target, reg Registration, seq int, exp time.Time) Push {
	n, other := m.numbers(t, seq)
	p := Push{Ref: reg.Ref, Number: n,
		Title:   m.say(t.Lang, "appnotify.title"),
		Message: m.say(t.Lang, "appnotify.message", "Login", t.User.Login)}
	if m.Provider.CallsBack() {
		cbid := m.cbid(t, seq)
		first, second := n, other
		if m.digest("order", t.FlowID, t.Purpose, strconv.Itoa(seq))[0]&1 == 1 {
			first, second = other, n
		}
		for _, pick := range []int{first, second} {
			p.Choices = append(p.Choices, Choice{Label: strconv.Itoa(pick), URL: m.Answers + m.token(cbid, pick, exp)})
		}
		p.Choices = append(p.Choices, Choice{Label: m.say(t.Lang, "appnotify.deny"), URL: m.Answers + m.token(cbid, 0, exp)})
	}
	return p
}

func (m *AppNotify) say(lang, id string, args ...any) string {
	if m.Message == nil {
		return id
	}
	return m.Message(lang, id, args...)
}

// Challenge implements methods.Presenter.
func (m *AppNotify) Challenge(ctx context.Context, t methods.Target) (any, error) {
	seq, err := m.Limits.Count(ctx, m.seqKey(t), seqWindow)
	if err != nil || seq == 0 {
		return Challenge{}, err
	}
	n, _ := m.numbers(t, seq)
	return Challenge{Number: n}, nil
}

// Verify implements methods.Method: nil once the push was approved with the
// page's number; methods.ErrPending while unanswered; methods.ErrExhausted
// after a denial or a wrong number (the gate is over); methods.ErrExpired
// after Timeout.
func (m *AppNotify) Verify(ctx context.Context, t methods.Target, _ url.Values) error {
	var slot string
	_, err := m.Codes.Verify(ctx, t.FlowID, Name, t.Purpose, func(h []byte) bool { slot = string(h); return false })
	if err := codeErr(err); err != nil {
		return err
	}
	outcome := Pending
	if txid, sent := strings.CutPrefix(slot, "sent:"); sent {
		if outcome, err = m.outcome(ctx, t, txid); err != nil {
			return err
		}
	}
	switch outcome {
	case Pending:
		return methods.ErrPending
	case Approved:
		res, err := m.Codes.Verify(ctx, t.FlowID, Name, t.Purpose, func([]byte) bool { return true })
		if err := codeErr(err); err != nil {
			return err
		}
		if res.OK {
			return nil
		}
	default:
		_, _ = m.Codes.Verify(ctx, t.FlowID, Name, t.Purpose, func([]byte) bool { return true })
	}
	return methods.ErrExhausted
}

// outcome asks the provider, or reads what the callbacks recorded.
func (m *AppNotify) outcome(ctx context.Context, t methods.Target, txid string) (Outcome, error) {
	if !m.Provider.CallsBack() {
		return m.Provider.Status(ctx, txid)
	}
	seq, err := m.Limits.Count(ctx, m.seqKey(t), seqWindow)
	if err != nil {
		return Pending, err
	}
	cbid := encodeID(m.cbid(t, seq)[:cbidLen])
	n, _ := m.numbers(t, seq)
	if _, ok, err := m.Limits.Blocked(ctx, pickKey(cbid, n)); err != nil || ok {
		return Approved, err
	}
	answered, err := m.Limits.Count(ctx, answeredKey(cbid), 2*Timeout)
	if err != nil || answered == 0 {
		return Pending, err
	}
	return Denied, nil
}

func codeErr(err error) error {
	switch {
	case errors.Is(err, store.ErrExpired):
		return methods.ErrExpired
	case errors.Is(err, store.ErrNotFound):
		return methods.ErrExhausted
	case err != nil:
		return fmt.Errorf("appnotify: challenge: %w", err)
	}
	return nil
}

// numbers are the page's number (10-99) and the other one offered.
func (m *AppNotify) numbers(t methods.Target, seq int) (int, int) {
	d := m.digest("number", t.FlowID, t.Purpose, strconv.Itoa(seq))
	n := 10 + int(binary.BigEndian.Uint32(d)%90)
	other := 10 + int(binary.BigEndian.Uint32(d[4:])%89)
	if other >= n {
		other++
	}
	return n, other
}

func (m *AppNotify) seqKey(t methods.Target) string {
	return "app_notification:seq:" + encodeID(m.digest("seq", t.FlowID, t.Purpose)[:cbidLen])
}

func (m *AppNotify) cbid(t methods.Target, seq int) []byte {
	return m.digest("challenge", t.FlowID, t.Purpose, strconv.Itoa(seq))
}

func (m *AppNotify) digest(parts ...string) []byte {
	h := hmac.New(sha256.New, m.Secret)
	h.Write([]byte("app notification"))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return h.Sum(nil)
}
