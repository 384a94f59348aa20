package gate_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

// csrfField hides the per-request token so that two pages can be compared.
var csrfField = regexp.MustCompile(`name="csrf_token" value="[^"]*"`)

func TestAskBeforeSending(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Methods = append(env.Methods, env.AskMethod())
	env.Reset(config.Reset{})
	walk := func(typed string) flowtest.Page {
		b := env.Browser()
		p := env.Identify(b, "reset", "alice")
		p = b.Submit(p, "reset/method", "method", "mobile_text")
		env.Expect(p, 200, "reset.ask.mobile_text", "reset.ask.mobile")
		env.ExpectNot(p, "reset.verify.code", "reset.verify.resend")
		for _, want := range []string{`<label for="f-answer">`, `id="f-answer" name="answer" type="tel"`, `id="f-answer-hint"`, `aria-describedby="f-answer-hint"`} {
			if !strings.Contains(p.Body, want) {
				t.Fatalf("the question's field lacks %s:\n%s", want, p.Body)
			}
		}
		if len(env.Mail()) != 0 {
			t.Fatal("a text went out before the number was typed")
		}
		// The code cannot be entered before the question is answered.
		if v := b.Post(flowtest.Prefix+"reset/verify", url.Values{"csrf_token": {p.CSRF(t)}, "code": {"123456"}}); v.Status != 409 {
			t.Fatalf("verify at the ask step: %d", v.Status)
		}
		return b.Submit(p, "reset/ask", "answer", typed)
	}
	wrong := walk("+15550199")
	if n := len(env.Mail()); n != 0 {
		t.Fatalf("a wrong number sent %d texts", n)
	}
	right := walk("+15550100")
	if n := len(env.Mail()); n != 1 || env.Mail()[0].To != "+15550100" {
		t.Fatalf("the right number sent %+v", env.Mail())
	}
	env.Expect(right, 200, "reset.verify.sent", "reset.verify.code")
	if a, b := csrfField.ReplaceAllString(wrong.Body, ""), csrfField.ReplaceAllString(right.Body, ""); a != b || wrong.Status != right.Status {
		t.Fatalf("the page after a wrong number differs from the page after the right one:\n%s\n---\n%s", a, b)
	}
	evs := env.Events(audit.MethodSent)
	outcomes := map[string]string{}
	for _, ev := range evs {
		outcomes[ev.Outcome] = ev.Detail["reason"]
	}
	if len(evs) != 2 || outcomes["not_sent"] != "mismatch" || len(outcomes) != 2 {
		t.Fatalf("audit %+v", evs)
	}
	for _, ev := range evs {
		if strings.Contains(ev.Detail["to"], "5550100") {
			t.Fatalf("the audit log holds the number: %+v", ev)
		}
	}
}

func TestAskAgainOnResend(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Methods = []methods.Method{env.AskMethod()}
	env.Reset(config.Reset{Methods: []string{"mobile_text"}})
	b := env.Browser()
	p := b.Submit(env.Identify(b, "reset", "alice"), "reset/method", "method", "mobile_text")
	p = b.Submit(p, "reset/ask", "answer", "+15550100")
	first := env.LastCode("+15550100")
	p = b.Submit(p, "reset/resend")
	env.Expect(p, 200, "reset.ask.mobile")
	p = b.Submit(p, "reset/ask", "answer", "+15550100")
	if len(env.Mail()) != 2 {
		t.Fatalf("%d texts", len(env.Mail()))
	}
	env.Expect(b.Submit(p, "reset/verify", "code", first), 422, "reset.error.code")
	env.Expect(b.Submit(p, "reset/verify", "code", env.LastCode("+15550100")), 200, "reset.password.new")
}

// TestPrivilegedNeedsTwo: a privileged account allowed to self-serve passes
// two gates even when the policy asks for one; in generic mode the first
// method page does not show that it is privileged.
func TestPrivilegedNeedsTwo(t *testing.T) {
	allow := false
	env := flowtest.New(t)
	env.AddUser("root", func(u *idp.User) { u.Privileged = true })
	env.AddUser("alice")
	env.Methods = append(env.Methods, env.TextMethod())
	env.Reset(config.Reset{ManagedElsewhere: config.ManagedElsewhere{Privileged: &allow}})

	b := env.Browser()
	p := env.Identify(b, "reset", "root")
	plain := env.Identify(env.Browser(), "reset", "alice")
	if strings.Contains(p.Body, "of 2") || csrfField.ReplaceAllString(p.Body, "") != csrfField.ReplaceAllString(plain.Body, "") {
		t.Fatalf("the first method page tells a privileged account apart:\n%s", p.Body)
	}
	p = b.Submit(env.ChooseEmail(b, "reset", p), "reset/verify", "code", env.LastCode("root@example.test"))
	env.Expect(p, 200, "reset.method.sms")
	env.ExpectNot(p, "reset.method.email", "reset.password.new")
	if !strings.Contains(p.Body, "Verification step 2 of 2") {
		t.Fatalf("no second gate:\n%s", p.Body)
	}
	p = b.Submit(b.Submit(p, "reset/method", "method", "sms"), "reset/verify", "code", env.LastCode("+15550100"))
	env.Expect(p, 200, "reset.password.new")
}

// TestGenericMethodListSameForAll: the method page is the same for an
// account with every method, one with none, and an unknown user ID.
func TestGenericMethodListSameForAll(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.AddUser("nophone", func(u *idp.User) { u.Mobile = "" })
	env.Methods = append(env.Methods, env.TextMethod(), env.AskMethod())
	env.Reset(config.Reset{MethodsRequired: 2})
	var first string
	for _, login := range []string{"alice", "nophone", "nobody-at-all"} {
		p := env.Identify(env.Browser(), "reset", login)
		env.Expect(p, 200, "reset.method.email", "reset.method.sms", "reset.method.mobile_text")
		body := csrfField.ReplaceAllString(p.Body, "")
		if first == "" {
			first = body
		} else if body != first {
			t.Fatalf("%s sees another method page:\n%s\n---\n%s", login, body, first)
		}
	}
}

// TestGateCodeNotReplayedIntoAnotherFlow: the code of gate 1 of flow A,
// typed in flow B of the same account at the same gate, is wrong there.
func TestGateCodeNotReplayedIntoAnotherFlow(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Reset(config.Reset{})
	a, b := env.Browser(), env.Browser()
	pa := env.ChooseEmail(a, "reset", env.Identify(a, "reset", "alice"))
	codeA := env.LastCode(aliceMail)
	pb := env.ChooseEmail(b, "reset", env.Identify(b, "reset", "alice"))
	if env.LastCode(aliceMail) == codeA {
		t.Skip("the two flows drew the same code by chance")
	}
	env.Expect(b.Submit(pb, "reset/verify", "code", codeA), 422, "reset.error.code")
	// Flow A's code still passes flow A: it was bound there, not voided.
	env.Expect(a.Submit(pa, "reset/verify", "code", codeA), 200, "reset.password.new")
}

// TestAskShowsTheMaskedNumberInDescriptiveMode: only descriptive mode says
// which number the account has, masked.
func TestAskShowsTheMaskedNumberInDescriptiveMode(t *testing.T) {
	for _, mode := range []config.Disclosure{config.DisclosureGeneric, config.DisclosureDescriptive} {
		env := flowtest.New(t)
		env.AddUser("alice")
		env.Methods = []methods.Method{env.AskMethod()}
		env.Reset(config.Reset{Methods: []string{"mobile_text"}, Disclosure: mode})
		b := env.Browser()
		p := b.Submit(env.Identify(b, "reset", "alice"), "reset/method", "method", "mobile_text")
		shown := strings.Contains(p.Body, "The number on the account: ***00")
		if shown != (mode == config.DisclosureDescriptive) || strings.Contains(p.Body, "+15550100") {
			t.Fatalf("%s mode: the masked number shown %v\n%s", mode, shown, p.Body)
		}
	}
}
