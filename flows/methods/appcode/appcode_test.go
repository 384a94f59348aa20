package appcode

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/methodstest"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

var alice = idp.User{ID: "7f3c2a9e-alice", Login: "alice"}

type fixture struct {
	a    *AppCode
	regs *methodstest.Registrations
	st   store.Store
	clk  *methodstest.Clock
}

func setup(t *testing.T) fixture {
	t.Helper()
	clk := methodstest.NewClock()
	st := methodstest.Store(t, clk)
	regs := methodstest.NewRegistrations()
	a := New(methods.Env{Registrations: regs, Config: &config.Config{Organization: "Example Corp"},
		Codes: &methods.CodeService{Codes: st.Codes(), Limits: st.Limits(), Secret: []byte("0123456789abcdef0123456789abcdef"), Now: clk.Now}})
	return fixture{a: a, regs: regs, st: st, clk: clk}
}

// replica is another frontdoor on the same store and registrations.
func (f fixture) replica() *AppCode {
	r := *f.a
	return &r
}

// enrolled registers an app for u and returns its key.
func (f fixture) enrolled(t *testing.T, u idp.User) string {
	t.Helper()
	ctx := context.Background()
	s, err := f.a.Begin(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.ReplaceAll(s.Key, " ", "")
	// Confirm with the code of the step before: the current step stays
	// unused for the tests.
	code, _ := totp.GenerateCode(key, f.clk.Now().Add(-Period))
	if _, err := f.a.Confirm(ctx, u, code); err != nil {
		t.Fatal(err)
	}
	return key
}

func (f fixture) start(t *testing.T, a *AppCode, u *idp.User) methods.Target {
	t.Helper()
	tg := methods.Target{FlowID: methodstest.Flow(t, f.st, f.clk), Purpose: "gate1", User: u, Key: "id:" + alice.ID}
	if err := a.Start(context.Background(), tg); err != nil {
		t.Fatal(err)
	}
	return tg
}

func code(key string, at time.Time) url.Values {
	c, _ := totp.GenerateCode(key, at)
	return url.Values{"code": {c[:3] + " " + c[3:]}}
}

func TestEnrolment(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	s, err := f.a.Begin(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(s.PNG))
	if err != nil || img.Bounds().Dx() != 256 || img.Bounds().Dy() != 256 {
		t.Fatalf("QR code: %v %v", err, img)
	}
	key := strings.ReplaceAll(s.Key, " ", "")
	u, _ := url.Parse(s.URL)
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != key || u.Query().Get("issuer") != "Example Corp" ||
		u.Query().Get("digits") != "6" || u.Query().Get("period") != "30" || u.Query().Get("algorithm") != "SHA1" ||
		!strings.Contains(u.Path, "alice") || len(key) != 32 {
		t.Fatalf("otpauth URL %s, key %q", s.URL, s.Key)
	}
	if !strings.HasPrefix(s.DataURL, "data:image/png;base64,") {
		t.Fatalf("data URL %.40s", s.DataURL)
	}
	if _, ok := f.a.Hint(ctx, alice); ok {
		t.Fatal("usable before the first code")
	}
	if _, err := f.a.Confirm(ctx, alice, "000000"); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("a wrong first code: %v", err)
	}
	c, _ := totp.GenerateCode(key, f.clk.Now())
	ch, err := f.a.Confirm(ctx, alice, c)
	if err != nil || ch.Action != methods.ChangeRegistered || ch.Method != Name || ch.UserID != alice.ID {
		t.Fatalf("Confirm: %+v %v", ch, err)
	}
	if _, ok := f.a.Hint(ctx, alice); !ok {
		t.Fatal("not usable after confirmation")
	}
	// The code that confirmed the key cannot open a reset.
	tg := f.start(t, f.a, &alice)
	if err := f.a.Verify(ctx, tg, url.Values{"code": {c}}); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("the confirmation code at a reset: %v, want ErrMismatch", err)
	}
	// A new app replaces the old one only once confirmed.
	s2, _ := f.a.Begin(ctx, alice)
	if ok, _, _ := f.a.Registered(ctx, alice); !ok {
		t.Fatal("beginning a new app dropped the confirmed one")
	}
	f.clk.Add(Period)
	ch, err = f.a.Confirm(ctx, alice, code(strings.ReplaceAll(s2.Key, " ", ""), f.clk.Now()).Get("code"))
	if err != nil || ch.Action != methods.ChangeReplaced {
		t.Fatalf("Confirm of a second app: %+v %v", ch, err)
	}
	ch, removed, err := f.a.Remove(ctx, alice)
	if err != nil || !removed || ch.Action != methods.ChangeRemoved {
		t.Fatalf("Remove: %+v %v %v", ch, removed, err)
	}
	if _, ok := f.a.Hint(ctx, alice); ok {
		t.Fatal("usable after removal")
	}
}

func TestConfirmLimits(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	if _, err := f.a.Confirm(ctx, alice, "123456"); !errors.Is(err, ErrNoPending) {
		t.Fatalf("Confirm without Begin: %v", err)
	}
	s, _ := f.a.Begin(ctx, alice)
	for i := range confirmMax {
		if _, err := f.a.Confirm(ctx, alice, "000000"); !errors.Is(err, methods.ErrMismatch) {
			t.Fatalf("wrong code %d: %v", i+1, err)
		}
	}
	key := strings.ReplaceAll(s.Key, " ", "")
	if _, err := f.a.Confirm(ctx, alice, "000001"); !errors.Is(err, ErrTooMany) {
		t.Fatalf("one wrong code too many: %v", err)
	}
	f.clk.Add(PendingTTL + time.Second)
	if _, err := f.a.Confirm(ctx, alice, code(key, f.clk.Now()).Get("code")); !errors.Is(err, ErrNoPending) {
		t.Fatalf("a right code after the key waited too long: %v", err)
	}
}

// Codes of the step before and after pass; two steps away do not.
func TestSkew(t *testing.T) {
	cases := []struct {
		off  time.Duration
		pass bool
	}{{0, true}, {-Period, true}, {Period, true}, {-2 * Period, false}, {2 * Period, false}}
	for _, c := range cases {
		t.Run(c.off.String(), func(t *testing.T) {
			f := setup(t)
			key := f.enrolled(t, alice)
			f.clk.Add(3 * Period) // away from the step that confirmed the key
			tg := f.start(t, f.a, &alice)
			err := f.a.Verify(context.Background(), tg, code(key, f.clk.Now().Add(c.off)))
			if c.pass != (err == nil) {
				t.Fatalf("code of now%+v: %v", c.off, err)
			}
		})
	}
}

// A step's code opens one gate, once, whichever replica sees it; the next
// step's code works again.
func TestReplay(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	key := f.enrolled(t, alice)
	now := code(key, f.clk.Now())
	if err := f.a.Verify(ctx, f.start(t, f.a, &alice), now); err != nil {
		t.Fatal(err)
	}
	other := f.replica()
	if err := other.Verify(ctx, f.start(t, other, &alice), now); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("the same code in another flow on another replica: %v, want ErrMismatch", err)
	}
	f.clk.Add(Period)
	if err := other.Verify(ctx, f.start(t, other, &alice), code(key, f.clk.Now())); err != nil {
		t.Fatalf("the next step's code: %v", err)
	}
}

// Of parallel submissions of one code in several flows, one passes.
func TestParallelReplay(t *testing.T) {
	f := setup(t)
	key := f.enrolled(t, alice)
	form := code(key, f.clk.Now())
	var passed atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		tg := f.start(t, f.replica(), &alice)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if f.replica().Verify(context.Background(), tg, form) == nil {
				passed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := passed.Load(); n != 1 {
		t.Fatalf("%d of 8 parallel uses of one code passed, want 1", n)
	}
}

func TestTriesAndExpiry(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	key := f.enrolled(t, alice)
	tg := f.start(t, f.a, &alice)
	for i := 1; i < tries; i++ {
		if err := f.a.Verify(ctx, tg, url.Values{"code": {"000000"}}); !errors.Is(err, methods.ErrMismatch) {
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	if err := f.a.Verify(ctx, tg, url.Values{"code": {"000000"}}); !errors.Is(err, methods.ErrExhausted) {
		t.Fatalf("last try: %v", err)
	}
	tg = f.start(t, f.a, &alice)
	f.clk.Add(challengeTTL + time.Second)
	if err := f.a.Verify(ctx, tg, code(key, f.clk.Now())); !errors.Is(err, methods.ErrExpired) {
		t.Fatalf("after the challenge's lifetime: %v", err)
	}
}

// An unknown user ID (or an account without an app) never passes, not even
// with the code of the key it is checked against.
func TestNoAccountNeverPasses(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	tg := f.start(t, f.a, nil)
	tg.Key = "login:0badc0ffee"
	if err := f.a.Verify(ctx, tg, code(f.a.decoy(tg.Key), f.clk.Now())); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("the decoy key's code: %v", err)
	}
	bob := idp.User{ID: "bob"}
	if _, ok := f.a.Hint(ctx, bob); ok {
		t.Fatal("usable without an app")
	}
	tg = f.start(t, f.a, &bob)
	if err := f.a.Verify(ctx, tg, code(f.a.decoy(tg.Key), f.clk.Now())); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("an account without an app: %v", err)
	}
}

// Match follows RFC 6238's SHA-1 test vectors (the 8-digit codes' last 6).
func TestRFC6238Vectors(t *testing.T) {
	const key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"
	vectors := map[int64]string{59: "287082", 1111111109: "081804", 1111111111: "050471", 1234567890: "005924", 2000000000: "279037"}
	for unix, want := range vectors {
		if _, ok := Match(key, want, time.Unix(unix, 0)); !ok {
			t.Errorf("T=%d: %s does not match", unix, want)
		}
	}
}
