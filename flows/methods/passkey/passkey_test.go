package passkey

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/methodstest"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

const origin = "https://sso.example.test"

var alice = idp.User{ID: "7f3c2a9e-alice", Login: "alice"}

type fixture struct {
	p   *Passkey
	st  store.Store
	clk *methodstest.Clock
}

func setup(t *testing.T) fixture {
	t.Helper()
	clk := methodstest.NewClock()
	st := methodstest.Store(t, clk)
	p := New(methods.Env{Registrations: methodstest.NewRegistrations(),
		Config: &config.Config{Server: config.Server{PublicURL: origin}, Organization: "Example Corp"},
		Codes:  &methods.CodeService{Codes: st.Codes(), Limits: st.Limits(), Secret: []byte("0123456789abcdef0123456789abcdef"), Now: clk.Now}})
	return fixture{p: p, st: st, clk: clk}
}

// registered gives alice a passkey held by a new authenticator.
func (f fixture) registered(t *testing.T) *authenticator {
	t.Helper()
	ctx := context.Background()
	a := newAuthenticator(t, origin, "sso.example.test")
	opts, err := f.p.BeginRegistration(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if o := parseOptions(t, opts); !strings.Contains(string(opts), `"userVerification":"required"`) || o.PublicKey.User.ID == "" {
		t.Fatalf("creation options %s", opts)
	}
	ch, err := f.p.FinishRegistration(ctx, alice, a.create(t, opts))
	if err != nil || ch.Method != Name || ch.Action != methods.ChangeRegistered {
		t.Fatalf("FinishRegistration: %+v %v", ch, err)
	}
	return a
}

func (f fixture) start(t *testing.T, u *idp.User) (methods.Target, string) {
	t.Helper()
	tg := methods.Target{FlowID: methodstest.Flow(t, f.st, f.clk), Purpose: "gate2", User: u, Key: "id:" + alice.ID}
	if err := f.p.Start(context.Background(), tg); err != nil {
		t.Fatal(err)
	}
	c, err := f.p.Challenge(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	return tg, c.(Challenge).Options
}

func form(credential string) url.Values { return url.Values{"credential": {credential}} }

func TestRegisterAndVerify(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	if _, ok := f.p.Hint(ctx, alice); ok {
		t.Fatal("usable before registration")
	}
	a := f.registered(t)
	if _, ok := f.p.Hint(ctx, alice); !ok || methods.IsWeak(f.p) {
		t.Fatal("a registered passkey is not a usable, strong method")
	}
	tg, opts := f.start(t, &alice)
	o := parseOptions(t, []byte(opts))
	if o.PublicKey.UserVerification != "required" || len(o.PublicKey.AllowCredentials) != 0 {
		t.Fatalf("request options %s", opts)
	}
	// Another replica builds the same options.
	again, _ := f.p.Challenge(ctx, tg)
	if again.(Challenge).Options != opts {
		t.Fatal("the options changed between two reads")
	}
	answer := a.get(t, opts)
	if err := f.p.Verify(ctx, tg, form(answer)); err != nil {
		t.Fatalf("a right assertion: %v", err)
	}
	if err := f.p.Verify(ctx, tg, form(answer)); !errors.Is(err, methods.ErrExhausted) {
		t.Fatalf("the assertion again: %v, want ErrExhausted", err)
	}
	// Replayed in a new challenge (its challenge differs): refused.
	tg2, _ := f.start(t, &alice)
	if err := f.p.Verify(ctx, tg2, form(answer)); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("a replayed assertion: %v, want ErrMismatch", err)
	}
	var reg Registration
	f.p.Registrations.Section(ctx, alice.ID, Name, &reg)
	if reg.Credentials[0].Authenticator.SignCount != a.count {
		t.Fatalf("stored sign count %d, the authenticator is at %d", reg.Credentials[0].Authenticator.SignCount, a.count)
	}
}

func TestUserVerificationRequired(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	a := newAuthenticator(t, origin, "sso.example.test")
	a.noUV = true
	opts, _ := f.p.BeginRegistration(ctx, alice)
	if _, err := f.p.FinishRegistration(ctx, alice, a.create(t, opts)); !errors.Is(err, ErrRefused) {
		t.Fatalf("registration without user verification: %v, want ErrRefused", err)
	}
	if _, err := f.p.FinishRegistration(ctx, alice, a.create(t, opts)); !errors.Is(err, ErrNoCeremony) {
		t.Fatalf("a second answer to one ceremony: %v, want ErrNoCeremony", err)
	}
	b := f.registered(t)
	b.noUV = true
	tg, o := f.start(t, &alice)
	if err := f.p.Verify(ctx, tg, form(b.get(t, o))); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("an assertion without user verification: %v, want ErrMismatch", err)
	}
}

func TestOtherOriginRefused(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	a := f.registered(t)
	tg, o := f.start(t, &alice)
	a.origin = "https://sso.example.test.evil.example"
	if err := f.p.Verify(ctx, tg, form(a.get(t, o))); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("an assertion made for another origin: %v", err)
	}
	if err := f.p.Verify(ctx, tg, form("{not json")); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("garbage: %v", err)
	}
}

// An unknown user ID gets options that look real, the same ones for the
// same ID and flow, and no assertion passes.
func TestUnknownIDDecoy(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	a := f.registered(t)
	tg, o := f.start(t, nil)
	tg.Key = "login:0badc0ffee"
	c, _ := f.p.Challenge(ctx, tg)
	o = c.(Challenge).Options
	po := parseOptions(t, []byte(o))
	if len(po.PublicKey.AllowCredentials) != 0 {
		t.Fatalf("decoy options %s", o)
	}
	// The same fields as a real account's options, in the same order.
	_, real := f.start(t, &alice)
	if shape(t, o) != shape(t, real) {
		t.Fatalf("decoy options %s, an account's %s", o, real)
	}
	c2, _ := f.p.Challenge(ctx, tg)
	if c2.(Challenge).Options != o {
		t.Fatal("decoy options changed")
	}
	if err := f.p.Verify(ctx, tg, form(a.get(t, o))); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("an assertion for a decoy: %v", err)
	}
	ch, removed, err := f.p.Remove(ctx, alice)
	if err != nil || !removed || ch.Action != methods.ChangeRemoved {
		t.Fatalf("Remove: %+v %v %v", ch, removed, err)
	}
}

// shape is the options with the challenge blanked: what an observer could
// compare between two accounts.
func shape(t *testing.T, options string) string {
	t.Helper()
	o := parseOptions(t, []byte(options))
	return strings.Replace(options, o.PublicKey.Challenge, "", 1)
}

// TestOtherAccountsPasskeyRefused: with no allowCredentials the browser may
// offer any passkey of the site; one registered to another account, or
// without its user handle, does not pass.
func TestOtherAccountsPasskeyRefused(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	a := f.registered(t) // alice's
	bob := idp.User{ID: "id-bob", Login: "bob"}
	m := newAuthenticator(t, origin, "sso.example.test")
	opts, _ := f.p.BeginRegistration(ctx, bob)
	if _, err := f.p.FinishRegistration(ctx, bob, m.create(t, opts)); err != nil {
		t.Fatal(err)
	}
	tg, o := f.start(t, &alice)
	if err := f.p.Verify(ctx, tg, form(m.get(t, o))); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("bob's passkey for alice: %v, want ErrMismatch", err)
	}
	a.handle = nil
	tg, o = f.start(t, &alice)
	if err := f.p.Verify(ctx, tg, form(a.get(t, o))); !errors.Is(err, methods.ErrMismatch) {
		t.Fatalf("an assertion without a user handle: %v, want ErrMismatch", err)
	}
}
