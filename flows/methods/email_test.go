package methods

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }
func newClock() *clock               { return &clock{now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)} }
func (m *outbox) last() EmailMessage { m.mu.Lock(); defer m.mu.Unlock(); return m.sent[len(m.sent)-1] }
func (m *outbox) count() int         { m.mu.Lock(); defer m.mu.Unlock(); return len(m.sent) }
func (m *outbox) decoyCount() int    { m.mu.Lock(); defer m.mu.Unlock(); return len(m.decoys) }

// send keeps a message; a decoy (no To) apart.
func (m *outbox) send(msg EmailMessage) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if msg.To == "" {
		m.decoys = append(m.decoys, msg)
		return
	}
	m.sent = append(m.sent, msg)
}

type outbox struct {
	mu     sync.Mutex
	sent   []EmailMessage
	decoys []EmailMessage
}

// setup returns an Email method on a real SQLite store with a flow to bind
// codes to.
func setup(t *testing.T) (*Email, *outbox, *clock, Target) {
	t.Helper()
	clk := newClock()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"), sqlite.WithNow(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fl := store.Flow{ID: store.NewID(), Kind: store.KindReset, Step: "verify", ExpiresAt: clk.Now().Add(15 * time.Minute)}
	if err := st.Flows().Create(context.Background(), fl); err != nil {
		t.Fatal(err)
	}
	box := &outbox{}
	m := &Email{CodeService: &CodeService{Codes: st.Codes(), Limits: st.Limits(), Secret: []byte("0123456789abcdef0123456789abcdef"), Now: clk.Now}, Send: box.send}
	u := &idp.User{ID: "7f3c2a9e-alice", Login: "alice", Emails: []string{"alice@example.test"}}
	return m, box, clk, Target{FlowID: fl.ID, Purpose: "gate1", Lang: "en", User: u}
}

func TestEmailCode(t *testing.T) {
	ctx := context.Background()
	m, box, _, tg := setup(t)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	msg := box.last()
	if len(msg.Code) != 8 || msg.To != "alice@example.test" || msg.TTL != 10*time.Minute {
		t.Fatalf("sent %+v", msg)
	}
	if err := m.Verify(ctx, tg, form("00000000")); !errors.Is(err, ErrMismatch) && msg.Code != "00000000" {
		t.Fatalf("wrong code: %v", err)
	}
	if err := m.Verify(ctx, tg, form(" "+msg.Code[:4]+" "+msg.Code[4:])); err != nil {
		t.Fatalf("right code (with spaces): %v", err)
	}
	if err := m.Verify(ctx, tg, form(msg.Code)); !errors.Is(err, ErrExhausted) {
		t.Fatalf("code used twice: %v", err)
	}
}

func TestEmailCodeBoundToFlowAndGate(t *testing.T) {
	ctx := context.Background()
	m, box, _, tg := setup(t)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	code := box.last().Code
	other := tg
	other.Purpose = "gate2"
	if err := m.Verify(ctx, other, form(code)); err == nil {
		t.Fatal("a gate-1 code passed gate 2")
	}
	if err := m.Verify(ctx, tg, form(code+"0")); !errors.Is(err, ErrMismatch) {
		t.Fatalf("code with a digit appended: %v", err)
	}
	if err := m.Verify(ctx, tg, form(code)); err != nil {
		t.Fatalf("right code after wrong ones: %v", err)
	}
}

// TestEmailCodeVariantsRefused (B-4): a code with a suffix, a prefix of it,
// itself encoded once or twice, with an encoded space, or in other digits
// is a mismatch; the right code still passes after it. (Spaces and dashes
// between the digits, as people copy them, are ignored on purpose.)
func TestEmailCodeVariantsRefused(t *testing.T) {
	ctx := context.Background()
	for _, variant := range []func(code string) string{
		func(c string) string { return c + "-not" },
		func(c string) string { return c + "0" },
		func(c string) string { return c[:len(c)-1] },
		func(c string) string { return c[1:] },
		func(c string) string { return c + "%20" },
		func(c string) string { return url.QueryEscape(url.QueryEscape(c + " ")) },
		func(c string) string { return "%3" + strings.Join(strings.Split(c, ""), "%3") }, // each digit percent-encoded
		func(c string) string { // fullwidth digits
			return strings.Map(func(r rune) rune { return r - '0' + '０' }, c)
		},
		func(c string) string { return "" },
	} {
		m, box, _, tg := setup(t)
		if err := m.Start(ctx, tg); err != nil {
			t.Fatal(err)
		}
		code := box.last().Code
		v := variant(code)
		if err := m.Verify(ctx, tg, form(v)); !errors.Is(err, ErrMismatch) {
			t.Errorf("%q for %q: %v, want a mismatch", v, code, err)
		}
		if err := m.Verify(ctx, tg, form(code)); err != nil {
			t.Errorf("the right code after %q: %v", v, err)
		}
	}
}

// TestEmailCodeExpires (D-2): a code is accepted 5 s before the end of its
// 10 minutes and refused 5 s after it.
func TestEmailCodeExpires(t *testing.T) {
	ctx := context.Background()
	m, box, clk, tg := setup(t)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	clk.Add(10*time.Minute + 5*time.Second)
	if err := m.Verify(ctx, tg, form(box.last().Code)); !errors.Is(err, ErrExpired) && !errors.Is(err, ErrExhausted) {
		t.Fatalf("code 10:05 old: %v, want it expired", err)
	}

	m, box, clk, tg = setup(t)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	clk.Add(10*time.Minute - 5*time.Second)
	if err := m.Verify(ctx, tg, form(box.last().Code)); err != nil {
		t.Fatalf("code 9:55 old: %v, want it accepted", err)
	}
}

func TestEmailWrongCodeLimit(t *testing.T) {
	ctx := context.Background()
	m, box, _, tg := setup(t)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	code := box.last().Code
	wrong := "1" + code[1:]
	if wrong == code {
		wrong = "2" + code[1:]
	}
	for i := 1; i <= 4; i++ {
		if err := m.Verify(ctx, tg, form(wrong)); !errors.Is(err, ErrMismatch) {
			t.Fatalf("wrong try %d: %v", i, err)
		}
	}
	if err := m.Verify(ctx, tg, form(wrong)); !errors.Is(err, ErrExhausted) {
		t.Fatalf("fifth wrong try: %v", err)
	}
	if err := m.Verify(ctx, tg, form(code)); !errors.Is(err, ErrExhausted) {
		t.Fatalf("right code after the tries ran out: %v", err)
	}
}

func TestEmailResendVoidsEarlierCode(t *testing.T) {
	ctx := context.Background()
	m, box, _, tg := setup(t)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	first := box.last().Code
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	second := box.last().Code
	if first != second {
		if err := m.Verify(ctx, tg, form(first)); !errors.Is(err, ErrMismatch) {
			t.Fatalf("voided code: %v", err)
		}
	}
	if err := m.Verify(ctx, tg, form(second)); err != nil {
		t.Fatalf("new code: %v", err)
	}
}

func TestEmailSendsNothingToUnknownUsersButDoesTheSameWork(t *testing.T) {
	ctx := context.Background()
	m, box, _, tg := setup(t)
	tg.User = nil
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	if box.count() != 0 {
		t.Fatal("a code was sent for an unknown user")
	}
	// The same work: a message rendered all the same, for nobody, with a
	// code that was never stored.
	if box.decoyCount() != 1 || len(box.decoys[0].Code) != 8 {
		t.Fatalf("decoys %+v, want one with an 8-digit code", box.decoys)
	}
	if err := m.Verify(ctx, tg, form(box.decoys[0].Code)); !errors.Is(err, ErrMismatch) {
		t.Fatalf("the decoy's code: %v (want a mismatch)", err)
	}
	if err := m.Verify(ctx, tg, form("12345678")); !errors.Is(err, ErrMismatch) {
		t.Fatalf("unknown user's code check: %v (want the same answer as a wrong code)", err)
	}
}

func TestEmailSendLimit(t *testing.T) {
	ctx := context.Background()
	m, box, clk, tg := setup(t)
	for i := range 10 {
		if err := m.Start(ctx, tg); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	if err := m.Start(ctx, tg); !errors.Is(err, ErrTooMany) {
		t.Fatalf("11th send in 10 minutes: %v", err)
	}
	if box.count() != 10 || box.decoyCount() != 1 {
		t.Fatalf("%d messages sent, %d decoys (want 10 and 1: the refused send costs what a send does)", box.count(), box.decoyCount())
	}
	clk.Add(11 * time.Minute)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatalf("send after the window: %v", err)
	}
}

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{
		"alice@example.com": "al***@example.com",
		"bo@x.org":          "b***@x.org",
		"verylongname@d.io": "ve**********@d.io",
		"no-at-sign":        "***",
	} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

// form is the verify form with answer in its code field.
func form(answer string) url.Values { return url.Values{"code": {answer}} }
