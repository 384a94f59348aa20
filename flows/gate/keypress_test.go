package gate_test

import (
	"context"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/call"
	"github.com/frontdoor-sspr/frontdoor/idp"
	notifycall "github.com/frontdoor-sspr/frontdoor/notify/call"
)

// heldCall is a call gateway double whose calls end when the test says.
type heldCall chan notifycall.Outcome

func (h heldCall) Call(ctx context.Context, _, _ string) (notifycall.Outcome, error) {
	select {
	case o := <-h:
		return o, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// atCall walks alice to the call page of a reset by mobile_call.
func atCall(t *testing.T) (*flowtest.Env, *flowtest.Browser, flowtest.Page, heldCall, *call.Method) {
	t.Helper()
	env := flowtest.New(t)
	env.AddUser("alice", func(u *idp.User) { u.Mobile = "+14155550101" })
	phone := make(heldCall)
	m := call.New("mobile_call")
	m.Caller, m.Codes, m.Limits, m.Secret, m.Now = phone, env.Codes.Codes, env.Codes.Limits, env.Codes.Secret, env.Codes.Now
	t.Cleanup(m.Wait)
	env.Methods = []methods.Method{m}
	env.Reset(config.Reset{Methods: []string{"mobile_call"}})
	b := env.Browser()
	p := b.Submit(env.Identify(b, "reset", "alice"), "reset/method", "method", "mobile_call")
	env.Expect(p, 200, "reset.ask.mobile_call")
	env.ExpectNot(p, "reset.verify.call.calling")
	p = b.Submit(p, "reset/ask", "answer", "+1 415 555 0101")
	env.Expect(p, 200, "reset.verify.call.title", "reset.verify.call.calling", "reset.verify.call.continue", "reset.verify.call.again")
	return env, b, p, phone, m
}

// TestKeypress: while the call is under way the page asks again and counts
// nothing; # passes the gate, another key does not.
func TestKeypress(t *testing.T) {
	t.Run("pound", func(t *testing.T) {
		env, b, p, phone, m := atCall(t)
		for range 6 { // more than the failures that block a flow
			p = b.Submit(p, "reset/verify")
			env.Expect(p, 200, "reset.verify.call.pending")
		}
		phone <- notifycall.Confirmed
		m.Wait()
		env.Expect(b.Submit(p, "reset/verify"), 200, "reset.password.new")
	})
	t.Run("wrong key", func(t *testing.T) {
		env, b, p, phone, m := atCall(t)
		phone <- notifycall.WrongKey
		m.Wait()
		p = b.Submit(p, "reset/verify")
		env.Expect(p, 422, "reset.verify.call.refused")
		env.ExpectNot(p, "reset.password.new")
	})
}
