package call

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	notifycall "github.com/frontdoor-sspr/frontdoor/notify/call"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

// phone is an in-memory double of a call gateway: each call takes the
// next scripted outcome, or waits for release when there is none.
type phone struct {
	mu      sync.Mutex
	script  []notifycall.Outcome
	calls   []string // numbers dialled, with the language
	release chan notifycall.Outcome
	err     error // the gateway's error, for every call
}

func (p *phone) Call(ctx context.Context, to, lang string) (notifycall.Outcome, error) {
	p.mu.Lock()
	p.calls = append(p.calls, to+" "+lang)
	var next notifycall.Outcome
	if len(p.script) > 0 {
		next, p.script = p.script[0], p.script[1:]
	}
	p.mu.Unlock()
	if p.err != nil {
		return "", p.err
	}
	if next != "" {
		return next, nil
	}
	select {
	case o := <-p.release:
		return o, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (p *phone) dialled() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.calls...)
}

type budget struct{ allow bool }

func (b budget) AllowCall(context.Context, string, string) (bool, error) { return b.allow, nil }

// setup returns the mobile_call method on a real SQLite store with a flow.
func setup(t *testing.T, script ...notifycall.Outcome) (*Method, *phone, store.Store, methods.Target) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fl := store.Flow{ID: store.NewID(), Kind: store.KindReset, Step: "verify", ExpiresAt: time.Now().Add(15 * time.Minute)}
	if err := st.Flows().Create(context.Background(), fl); err != nil {
		t.Fatal(err)
	}
	p := &phone{script: script, release: make(chan notifycall.Outcome)}
	m := New("mobile_call")
	m.Caller, m.Codes, m.Limits, m.Audit = p, st.Codes(), st.Limits(), st.Audit()
	m.Secret, m.Now, m.Timeout = []byte("0123456789abcdef0123456789abcdef"), time.Now, 50*time.Millisecond
	t.Cleanup(m.Wait)
	u := &idp.User{ID: "7f3c2a9e-alice", Login: "alice", Mobile: "+1 (415) 555-0101", Phone: "+14155550199"}
	return m, p, st, methods.Target{FlowID: fl.ID, Purpose: "gate1", Lang: "fr", User: u, Key: "dn:uid=alice,ou=people"}
}

func TestConfirmedCallPassesOnce(t *testing.T) {
	ctx := context.Background()
	m, p, _, tg := setup(t, notifycall.Confirmed)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	m.Wait()
	if got := p.dialled(); len(got) != 1 || got[0] != "+14155550101 fr" {
		t.Fatalf("dialled %q, want the mobile number in E.164, in French", got)
	}
	if err := m.Verify(ctx, tg, nil); err != nil {
		t.Fatalf("Verify after #: %v", err)
	}
	if err := m.Verify(ctx, tg, nil); !errors.Is(err, methods.ErrExhausted) {
		t.Fatalf("Verify a second time: %v, want ErrExhausted", err)
	}
}

func TestOtherOutcomesFail(t *testing.T) {
	for _, o := range []notifycall.Outcome{notifycall.WrongKey, notifycall.HungUp, notifycall.Silent, notifycall.NoAnswer, notifycall.Rejected} {
		t.Run(string(o), func(t *testing.T) {
			ctx := context.Background()
			m, _, st, tg := setup(t, o)
			if err := m.Start(ctx, tg); err != nil {
				t.Fatal(err)
			}
			m.Wait()
			if err := m.Verify(ctx, tg, nil); !errors.Is(err, methods.ErrExhausted) {
				t.Fatalf("Verify after %s: %v, want ErrExhausted", o, err)
			}
			evs, err := st.Audit().List(ctx, store.Filter{Type: "method.call_outcome"})
			if err != nil || len(evs) != 1 {
				t.Fatalf("audit events %v, %v; want one", evs, err)
			}
			e := evs[0]
			if e.Outcome != "failed" || e.Detail["call"] != string(o) || e.Detail["number"] != "+*********01" || e.User != "dn:uid=alice,ou=people" {
				t.Errorf("audit event %+v", e)
			}
			if strings.Contains(e.Flow+e.Detail["number"], "4155550101") || len(e.Flow) > 8 {
				t.Errorf("the audit event holds the full number or flow handle: %+v", e)
			}
		})
	}
}

// TestGatewayErrorAudited: a call the gateway could not place fails the
// gate and is audited and logged as an error, the number masked in both
// (also where the gateway's error names it).
func TestGatewayErrorAudited(t *testing.T) {
	ctx := context.Background()
	m, p, st, tg := setup(t)
	p.err = errors.New("sip: INVITE sip:+14155550101@trunk.example: 503 Service Unavailable")
	var logs bytes.Buffer
	m.Log = slog.New(slog.NewTextHandler(&logs, nil))
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	m.Wait()
	if err := m.Verify(ctx, tg, nil); !errors.Is(err, methods.ErrExhausted) {
		t.Fatalf("Verify after a gateway error: %v, want ErrExhausted", err)
	}
	evs, err := st.Audit().List(ctx, store.Filter{Type: "method.call_outcome"})
	if err != nil || len(evs) != 1 {
		t.Fatalf("audit events %v, %v; want one", evs, err)
	}
	if e := evs[0]; e.Outcome != "failed" || e.Detail["call"] != "error" || e.Detail["number"] != "+*********01" {
		t.Errorf("audit event %+v", e)
	}
	if !strings.Contains(logs.String(), "verification call failed") || strings.Contains(logs.String(), "4155550101") {
		t.Errorf("log:\n%s", logs.String())
	}
}

func TestPendingUntilAnswered(t *testing.T) {
	ctx := context.Background()
	m, p, _, tg := setup(t)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := m.Verify(ctx, tg, nil); !errors.Is(err, methods.ErrPending) {
			t.Fatalf("Verify while ringing: %v, want ErrPending", err)
		}
	}
	p.release <- notifycall.Confirmed
	m.Wait()
	if err := m.Verify(ctx, tg, nil); err != nil {
		t.Fatalf("Verify after #: %v", err)
	}
}

// TestBoundToFlowGateAndMethod: a confirmed call passes only the gate of
// the flow that placed it, and only for its own method.
func TestBoundToFlowGateAndMethod(t *testing.T) {
	ctx := context.Background()
	m, _, st, tg := setup(t, notifycall.Confirmed)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	m.Wait()
	other := store.Flow{ID: store.NewID(), Kind: store.KindReset, Step: "verify", ExpiresAt: time.Now().Add(time.Minute)}
	if err := st.Flows().Create(ctx, other); err != nil {
		t.Fatal(err)
	}
	gate2, flow2 := tg, tg
	gate2.Purpose, flow2.FlowID = "gate2", other.ID
	office := New("office_call")
	office.Codes, office.Limits, office.Secret, office.Now = m.Codes, m.Limits, m.Secret, m.Now
	for name, try := range map[string]func() error{
		"other gate":   func() error { return m.Verify(ctx, gate2, nil) },
		"other flow":   func() error { return m.Verify(ctx, flow2, nil) },
		"other method": func() error { return office.Verify(ctx, tg, nil) },
	} {
		if err := try(); err == nil {
			t.Errorf("%s: passed", name)
		}
	}
	if err := m.Verify(ctx, tg, nil); err != nil {
		t.Errorf("its own gate: %v", err)
	}
}

// TestUnknownUser: nothing is dialled, the page waits as for a real call,
// then the challenge fails as an unanswered one would.
func TestUnknownUser(t *testing.T) {
	ctx := context.Background()
	m, p, st, tg := setup(t)
	for name, u := range map[string]*idp.User{"unknown": nil, "no number": {ID: "x", Login: "bob"}, "bad number": {ID: "y", Mobile: "not a number"}} {
		tg.User = u
		// An account without a usable number: nothing placed, and only the
		// audit log hears why.
		if err := m.Start(ctx, tg); err != nil {
			if r, ok := methods.IsNotSent(err); !ok || u == nil || r != "mismatch" {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if err := m.Verify(ctx, tg, nil); !errors.Is(err, methods.ErrPending) {
			t.Fatalf("%s: Verify at once: %v, want ErrPending", name, err)
		}
		m.Wait()
		if err := m.Verify(ctx, tg, nil); !errors.Is(err, methods.ErrExhausted) {
			t.Fatalf("%s: Verify after the ring time: %v, want ErrExhausted", name, err)
		}
	}
	if got := p.dialled(); len(got) != 0 {
		t.Errorf("dialled %q", got)
	}
	if evs, _ := st.Audit().List(ctx, store.Filter{}); len(evs) != 0 {
		t.Errorf("audit events for nobody: %+v", evs)
	}
}

func TestLimits(t *testing.T) {
	ctx := context.Background()
	m, p, _, tg := setup(t, notifycall.NoAnswer, notifycall.NoAnswer, notifycall.NoAnswer, notifycall.NoAnswer, notifycall.NoAnswer)
	for i := 0; i < 5; i++ {
		if err := m.Start(ctx, tg); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
		m.Wait()
	}
	if err := m.Start(ctx, tg); !errors.Is(err, methods.ErrTooMany) {
		t.Fatalf("sixth call in the hour: %v, want ErrTooMany", err)
	}
	if n := len(p.dialled()); n != 5 {
		t.Errorf("%d calls placed, want 5", n)
	}

	m2, p2, _, tg2 := setup(t, notifycall.Confirmed)
	m2.Budget = budget{allow: false}
	// Over the toll-fraud budget nothing is placed, and the page is the one
	// of a call (only the audit log tells, through NotSent).
	if reason, ok := methods.IsNotSent(m2.Start(ctx, tg2)); !ok || reason != "budget" {
		t.Fatalf("over budget: reason %q, want budget", reason)
	}
	m2.Wait()
	if n := len(p2.dialled()); n != 0 {
		t.Errorf("over budget, %d calls placed", n)
	}
}

// TestNewCallReplacesOld: asking for a new call ends the one in progress,
// whose late outcome is not recorded.
func TestNewCallReplacesOld(t *testing.T) {
	ctx := context.Background()
	m, p, _, tg := setup(t)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	for len(p.dialled()) == 0 { // the first call is ringing
		time.Sleep(time.Millisecond)
	}
	p.mu.Lock()
	p.script = []notifycall.Outcome{notifycall.Silent}
	p.mu.Unlock()
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	m.Wait()
	if err := m.Verify(ctx, tg, nil); !errors.Is(err, methods.ErrExhausted) {
		t.Fatalf("Verify: %v, want the second call's silence", err)
	}
}

func TestHint(t *testing.T) {
	m := New("office_call")
	if h, ok := m.Hint(context.Background(), idp.User{Phone: "+33 1 23 45 67 89"}); !ok || h != "+*********89" {
		t.Errorf("Hint = %q, %v", h, ok)
	}
	if _, ok := m.Hint(context.Background(), idp.User{Mobile: "+33612345678"}); ok {
		t.Error("office_call offered for an account with only a mobile number")
	}
	m.Normalize = func(raw string) (string, error) { return "+442079460000", nil }
	if h, _ := m.Hint(context.Background(), idp.User{Phone: "020 7946 0000"}); h != "+**********00" {
		t.Errorf("Hint with Normalize = %q", h)
	}
}

// TestClose: closing ends the calls in progress without an outcome.
func TestClose(t *testing.T) {
	ctx := context.Background()
	m, _, _, tg := setup(t)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Verify(ctx, tg, nil); !errors.Is(err, methods.ErrPending) {
		t.Errorf("Verify after Close: %v, want the call still pending", err)
	}
}

// TestWrongNumberTyped: the call goes out only when the number typed is
// the account's; otherwise nothing is placed and the method says why for
// the audit log alone.
func TestWrongNumberTyped(t *testing.T) {
	ctx := context.Background()
	m, p, _, tg := setup(t, notifycall.Confirmed)
	m.Match = func(typed, e164 string) bool { return typed == e164 }
	tg.Confirm = "+10000000000"
	if reason, ok := methods.IsNotSent(m.Start(ctx, tg)); !ok || reason != "mismatch" {
		t.Fatalf("wrong number: reason %q, want mismatch", reason)
	}
	m.Wait()
	if n := len(p.dialled()); n != 0 {
		t.Fatalf("wrong number typed, %d calls placed", n)
	}
	if err := m.Verify(ctx, tg, nil); err == nil {
		t.Fatal("a call never placed passed the gate")
	}
	tg.Confirm = m.number(ctx, *tg.User)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	m.Wait()
	if n := len(p.dialled()); n != 1 {
		t.Fatalf("right number typed, %d calls placed, want 1", n)
	}
}

// countingBudget allows every call and counts AllowCall and Idle.
type countingBudget struct {
	mu           sync.Mutex
	spent, idled int
}

func (b *countingBudget) AllowCall(context.Context, string, string) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.spent++
	return true, nil
}

func (b *countingBudget) Idle(context.Context, string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.idled++
	return nil
}

// TestBudgetWorkForEveryTarget: a call placed spends from the budget; a
// wrong number and an unknown user ID do the budget's store work without
// spending, as the text method does, so that their time does not differ.
func TestBudgetWorkForEveryTarget(t *testing.T) {
	ctx := context.Background()
	m, _, _, tg := setup(t, notifycall.Confirmed)
	b := &countingBudget{}
	m.Budget = b
	m.Match = func(typed, e164 string) bool { return typed == e164 }

	tg.Confirm = "+10000000000"
	if _, ok := methods.IsNotSent(m.Start(ctx, tg)); !ok {
		t.Fatal("wrong number: sent")
	}
	unknown := tg
	unknown.User = nil
	if err := m.Start(ctx, unknown); err != nil {
		t.Fatal(err)
	}
	tg.Confirm = m.number(ctx, *tg.User)
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	m.Wait()
	if b.spent != 1 || b.idled != 2 {
		t.Fatalf("spent %d, idled %d; want the right number's spend and two idles", b.spent, b.idled)
	}
}

// TestNumberNotStoredInFull: after a call, the store's files do not hold
// the number: the per-number limit keys on a keyed digest of it.
func TestNumberNotStoredInFull(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fl := store.Flow{ID: store.NewID(), Kind: store.KindReset, Step: "verify", ExpiresAt: time.Now().Add(15 * time.Minute)}
	if err := st.Flows().Create(context.Background(), fl); err != nil {
		t.Fatal(err)
	}
	m := New("mobile_call")
	p := &phone{script: []notifycall.Outcome{notifycall.Confirmed}}
	m.Caller, m.Codes, m.Limits, m.Audit = p, st.Codes(), st.Limits(), st.Audit()
	m.Secret, m.Now, m.Timeout = []byte("0123456789abcdef0123456789abcdef"), time.Now, 50*time.Millisecond
	u := &idp.User{ID: "7f3c2a9e-alice", Login: "alice", Mobile: "+14155550101"}
	if err := m.Start(context.Background(), methods.Target{FlowID: fl.ID, Purpose: "gate1", Lang: "en", User: u}); err != nil {
		t.Fatal(err)
	}
	m.Wait()
	if len(p.dialled()) != 1 {
		t.Fatal("no call placed")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "s.db*"))
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

// TestAccountWithoutNumber: office_call chosen for an account with no
// office number places nothing and says so to the audit log alone, as a
// wrong number does.
func TestAccountWithoutNumber(t *testing.T) {
	ctx := context.Background()
	m, p, _, tg := setup(t, notifycall.Confirmed)
	m.name, m.kind = "office_call", "office"
	tg.User = &idp.User{ID: "id-bob", Login: "bob", Mobile: "+14155550101"}
	tg.Confirm = "+14155550101"
	if reason, ok := methods.IsNotSent(m.Start(ctx, tg)); !ok || reason != "mismatch" {
		t.Fatalf("no office number: reason %q, %v; want mismatch", reason, ok)
	}
	m.Wait()
	if n := len(p.dialled()); n != 0 {
		t.Fatalf("%d calls placed", n)
	}
}
