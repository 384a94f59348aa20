package gate_test

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// meddling is a method whose Verify lets something happen to the flow
// between the gate's read of it and its save, as a request racing in would.
type meddling struct {
	methods.Method
	before func(flowID string)
}

func (m meddling) Verify(ctx context.Context, t methods.Target, form url.Values) error {
	if m.before != nil {
		m.before(t.FlowID)
	}
	return m.Method.Verify(ctx, t, form)
}

// TestVerifyRaceWithMethodChange: a right email code whose check overlaps a
// switch of the flow to the text method (requests "back" and "choose text"
// landing meanwhile) passes neither method: the gate counts only the method
// whose answer it checked.
func TestVerifyRaceWithMethodChange(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	m := &meddling{Method: env.Methods[0]}
	env.Methods = []methods.Method{m, env.TextMethod()}
	env.Reset(config.Reset{MethodsRequired: 2, Disclosure: config.DisclosureDescriptive})
	b := env.Browser()
	p := env.ChooseEmail(b, "reset", env.Identify(b, "reset", "alice"))
	env.Expect(p, 200, "reset.verify.title")
	m.before = func(id string) {
		_, err := flows.Advance(context.Background(), env.Engine, store.Flow{ID: id}, []string{gate.StepVerify}, func(st *gate.State) (string, error) {
			st.Method = "sms"
			return gate.StepVerify, nil
		})
		if err != nil {
			t.Errorf("switch the flow to sms: %v", err)
		}
	}
	p = b.Submit(p, "reset/verify", "code", env.LastCode(aliceMail))
	if p.Status == 200 && strings.Contains(p.Body, env.Text("reset.password.new")) {
		t.Fatalf("one right code passed a gate of two methods:\n%s", p.Body)
	}
	var s gate.State
	env.State(b, "reset", &s)
	if slices.Contains(s.Passed, "sms") {
		t.Errorf("passed %v after an email code; sms was never answered", s.Passed)
	}
}

// TestTooManyCodesPageAnswers: the page that says no more codes may be sent,
// shown when the method is chosen, carries a form token of the flow as it
// is now: a code entered on it is checked, not refused as a forged form.
func TestTooManyCodesPageAnswers(t *testing.T) {
	env := flowtest.New(t)
	env.Codes.PerAccount = 1
	env.AddUser("alice")
	env.Methods = append(env.Methods, env.TextMethod())
	env.Reset(config.Reset{Disclosure: config.DisclosureDescriptive})
	b := env.Browser()
	p := env.ChooseEmail(b, "reset", env.Identify(b, "reset", "alice"))
	p = b.Submit(p, "reset/back")
	env.Expect(p, 200, "reset.method.email")
	p = b.Submit(p, "reset/method", "method", "email")
	env.Expect(p, 429, "reset.error.too_many_codes")
	p = b.Submit(p, "reset/verify", "code", "12345678")
	if p.Status == 403 {
		t.Fatalf("a code entered on the too-many-codes page is refused as a forged form:\n%s", p.Body)
	}
	env.Expect(p, 422, "reset.error.code")
}

// TestGateRotatesTheHandle: a flow handle planted in the user's browser
// before the gate (by whoever started the flow) does not continue it after
// the gate; the browser that passed it does.
func TestGateRotatesTheHandle(t *testing.T) {
	env, victim, p := atVerify(t, config.Reset{})
	attacker := env.Browser()
	cookie := flows.CookieName("reset")
	attacker.SetCookie(cookie, victim.Cookie(cookie))
	p = victim.Submit(p, "reset/verify", "code", env.LastCode(aliceMail))
	env.Expect(p, 200, "reset.password.new")
	if victim.Cookie(cookie) == attacker.Cookie(cookie) {
		t.Fatal("passing the gate kept the flow's handle")
	}
	env.Expect(victim.Get("/.frontdoor/reset/step"), 200, "reset.password.new")
	if got := attacker.Get("/.frontdoor/reset/step"); strings.Contains(got.Body, env.Text("reset.password.new")) {
		t.Fatalf("the handle from before the gate still reaches the new-password step:\n%s", got.Body)
	}
	if _, err := env.Store.Flows().Get(context.Background(), flows.StoreKey(attacker.Cookie(cookie))); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the flow under the old handle: %v, want ErrNotFound", err)
	}
}
