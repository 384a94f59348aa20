package mobiletext

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/notify/budget"
	"github.com/frontdoor-sspr/frontdoor/phone"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

type outbox struct {
	mu   sync.Mutex
	sent []methods.TextMessage
}

func (o *outbox) send(m methods.TextMessage) { o.mu.Lock(); o.sent = append(o.sent, m); o.mu.Unlock() }
func (o *outbox) all() []methods.TextMessage {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]methods.TextMessage(nil), o.sent...)
}

// contacts is an in-memory methods.Registrations.
type contacts map[string]methods.Contact

func (c contacts) Section(_ context.Context, id, name string, v any) (bool, error) {
	ct, ok := c[id]
	if !ok || name != "contact" {
		return false, nil
	}
	b, _ := json.Marshal(ct)
	return true, json.Unmarshal(b, v)
}
func (c contacts) SetSection(context.Context, string, string, any) error { return nil }

type fixture struct {
	dir   string
	m     *Method
	box   *outbox
	st    store.Store
	trips []budget.Trip
}

func setup(t *testing.T, b config.Budgets) *fixture {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{dir: dir, box: &outbox{}, st: st}
	cfg := &config.Config{Phone: &config.Phone{DefaultRegion: "US", AllowedCountries: []string{"US", "CA"}},
		Text: &config.Text{CodeDigits: 6}, Budgets: b,
		Registration: &config.Registration{UseForReset: []string{config.SourceDirectory, config.SourceRegistered}}}
	bud := &budget.Budget{Limits: st.Limits(), Config: b, Secret: []byte("k"),
		OnTrip: func(_ context.Context, tr budget.Trip) { f.trips = append(f.trips, tr) }}
	f.m = New(methods.Env{Config: cfg, SendText: f.box.send, Budget: bud,
		Codes:         &methods.CodeService{Codes: st.Codes(), Limits: st.Limits(), Secret: []byte("0123456789abcdef0123456789abcdef"), Now: time.Now},
		Registrations: contacts{"id-bob": {Mobile: "+1 604 555 0177"}}}).(*Method)
	return f
}

func (f *fixture) target(t *testing.T, u *idp.User, typed string) methods.Target {
	t.Helper()
	fl := store.Flow{ID: store.NewID(), Kind: store.KindReset, Step: "verify", ExpiresAt: time.Now().Add(15 * time.Minute)}
	if err := f.st.Flows().Create(context.Background(), fl); err != nil {
		t.Fatal(err)
	}
	return methods.Target{FlowID: fl.ID, Purpose: "gate2", Lang: "en", User: u, Confirm: typed}
}

var (
	big   = config.Budgets{TextsPerHour: 100, CallsPerHour: 100, PerNumberPerDay: 100, PerAccountPerHour: 100, PerCountryPerHour: 100}
	alice = &idp.User{ID: "id-alice", Login: "alice", Mobile: "(415) 555-0101"}
)

func TestRightNumberGetsACode(t *testing.T) {
	f := setup(t, big)
	ctx := context.Background()
	tg := f.target(t, alice, "+1 415 555 0101")
	if err := f.m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	sent := f.box.all()
	if len(sent) != 1 || sent[0].To.E164 != "+14155550101" || len(sent[0].Code) != 6 || sent[0].TTL != 10*time.Minute {
		t.Fatalf("sent %+v", sent)
	}
	if err := f.m.Verify(ctx, tg, url.Values{"code": {"x"}}); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("wrong code: %v", err)
	}
	if err := f.m.Verify(ctx, tg, url.Values{"code": {sent[0].Code}}); err != nil {
		t.Fatalf("right code: %v", err)
	}
}

func TestWrongNumberSendsNothing(t *testing.T) {
	f := setup(t, big)
	ctx := context.Background()
	for _, typed := range []string{"", "415 555 0102", "0101", "+44 20 7946 0958", "alice"} {
		err := f.m.Start(ctx, f.target(t, alice, typed))
		if r, ok := methods.IsNotSent(err); !ok || r != "mismatch" {
			t.Errorf("typed %q: %v", typed, err)
		}
	}
	// An unknown user ID: nothing sent, and nothing to report.
	if err := f.m.Start(ctx, f.target(t, nil, "+1 415 555 0101")); err != nil {
		t.Errorf("unknown user: %v", err)
	}
	if n := len(f.box.all()); n != 0 {
		t.Fatalf("%d texts sent", n)
	}
}

func TestNumberSources(t *testing.T) {
	f := setup(t, big)
	ctx := context.Background()
	for _, tc := range []struct {
		u    idp.User
		hint string
		ok   bool
	}{
		{*alice, "+1 ••• ••• ••01", true},
		{idp.User{ID: "id-bob"}, "+1 ••• ••• ••77", true},                 // registered
		{idp.User{ID: "id-carol", Mobile: "+44 20 7946 0958"}, "", false}, // country not allowed
		{idp.User{ID: "id-dave", Mobile: "ask reception"}, "", false},     // not a number
		{idp.User{ID: "id-erin", Phone: "+1 415 555 0199"}, "", false},    // office only
	} {
		hint, ok := f.m.Hint(ctx, tc.u)
		if hint != tc.hint || ok != tc.ok {
			t.Errorf("Hint(%s) = %q, %v; want %q, %v", tc.u.ID, hint, ok, tc.hint, tc.ok)
		}
	}
	bob := &idp.User{ID: "id-bob"}
	if err := f.m.Start(ctx, f.target(t, bob, "604-555-0177")); err != nil {
		t.Fatal(err)
	}
	if s := f.box.all(); len(s) != 1 || s[0].To.E164 != "+16045550177" {
		t.Fatalf("sent %+v", s)
	}
}

func TestBudgetTripSendsNothing(t *testing.T) {
	b := big
	b.PerNumberPerDay = 2
	f := setup(t, b)
	ctx := context.Background()
	for i := range 3 {
		err := f.m.Start(ctx, f.target(t, alice, "4155550101"))
		if i < 2 && err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		if i == 2 {
			if r, ok := methods.IsNotSent(err); !ok || r != "budget" {
				t.Fatalf("third send: %v", err)
			}
		}
	}
	if n := len(f.box.all()); n != 2 {
		t.Fatalf("%d texts sent, want 2", n)
	}
	if len(f.trips) != 1 || f.trips[0].Limit != "number" || f.trips[0].To != phone.Mask(phone.Number{E164: "+14155550101"}) {
		t.Fatalf("trips %+v", f.trips)
	}
}

// TestCodeBoundToItsFlow: a code texted for gate 1 of flow A passes neither
// flow B nor another gate of flow A.
func TestCodeBoundToItsFlow(t *testing.T) {
	f := setup(t, big)
	ctx := context.Background()
	a := f.target(t, alice, "4155550101")
	a.Purpose = "gate1"
	if err := f.m.Start(ctx, a); err != nil {
		t.Fatal(err)
	}
	code := f.box.all()[0].Code
	b := f.target(t, alice, "4155550101")
	b.Purpose = "gate1"
	if err := f.m.Start(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := f.m.Verify(ctx, b, url.Values{"code": {code}}); err == nil {
		t.Fatal("flow A's code passed flow B")
	}
	a2 := a
	a2.Purpose = "gate2"
	if err := f.m.Verify(ctx, a2, url.Values{"code": {code}}); err == nil {
		t.Fatal("gate 1's code passed gate 2")
	}
	if err := f.m.Verify(ctx, a, url.Values{"code": {code}}); err != nil {
		t.Fatalf("flow A's own code: %v", err)
	}
}

func TestCheckNeedsTheTextSection(t *testing.T) {
	if ps := Check(&config.Config{}); len(ps) != 1 || ps[0].Path != "text" {
		t.Fatalf("problems %v", ps)
	}
	if ps := Check(&config.Config{Text: &config.Text{Provider: "kannel"}}); len(ps) != 0 {
		t.Fatalf("problems %v", ps)
	}
	if _, ok := methods.Lookup(Name); !ok {
		t.Fatal("mobile_text is not registered")
	}
}

// TestNumberNotStoredInFull: after a text, the store's files (database and
// write-ahead log) do not hold the number: limits and budgets key on a
// keyed digest of it.
func TestNumberNotStoredInFull(t *testing.T) {
	f := setup(t, big)
	if err := f.m.Start(context.Background(), f.target(t, alice, "+14155550101")); err != nil {
		t.Fatal(err)
	}
	if len(f.box.all()) != 1 {
		t.Fatal("no text sent")
	}
	files, _ := filepath.Glob(filepath.Join(f.dir, "s.db*"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("4155550101")) {
			t.Errorf("%s holds the number in full", filepath.Base(name))
		}
	}
}

// TestTriesAndLength: text.code_digits sets the code's length, and the
// fifth wrong code spends it: the right one no longer passes.
func TestTriesAndLength(t *testing.T) {
	f := setup(t, big)
	f.m.Digits = 8
	ctx := context.Background()
	tg := f.target(t, alice, "+14155550101")
	if err := f.m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	sent := f.box.all()
	if len(sent) != 1 || len(sent[0].Code) != 8 {
		t.Fatalf("sent %+v, want one 8-digit code", sent)
	}
	wrong := "00000000"
	if sent[0].Code == wrong {
		wrong = "11111111"
	}
	for i := range 5 {
		if err := f.m.Verify(ctx, tg, url.Values{"code": {wrong}}); err == nil {
			t.Fatalf("wrong code %d passed", i+1)
		}
	}
	if err := f.m.Verify(ctx, tg, url.Values{"code": {sent[0].Code}}); !errors.Is(err, methods.ErrExhausted) {
		t.Fatalf("right code after five wrong ones: %v, want ErrExhausted", err)
	}
}
