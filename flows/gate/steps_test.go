package gate_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

const aliceMail = "alice@example.test"

// atVerify walks alice to the code entry of a reset.
func atVerify(t *testing.T, rc config.Reset) (*flowtest.Env, *flowtest.Browser, flowtest.Page) {
	t.Helper()
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Reset(rc)
	b := env.Browser()
	p := env.ChooseEmail(b, "reset", env.Identify(b, "reset", "alice"))
	env.Expect(p, 200, "reset.verify.title")
	return env, b, p
}

func TestIdentifyLogin(t *testing.T) {
	env := flowtest.New(t)
	env.Reset(config.Reset{})
	b := env.Browser()
	p := env.Start(b, "reset")
	for _, login := range []string{"", "   ", strings.Repeat("a", 257)} {
		p = b.Submit(p, "reset/identify", "login", login)
		env.Expect(p, 422, "reset.error.login", "reset.identify.login")
	}
	if calls := env.Dir.Calls(); calls.Lookups != 0 {
		t.Fatalf("%d lookups for user IDs that cannot be", calls.Lookups)
	}
}

func TestIdentifyRateLimit(t *testing.T) {
	env := flowtest.New(t)
	env.Reset(config.Reset{})
	b := env.Browser()
	p := env.Start(b, "reset")
	for range 30 {
		p = b.Submit(p, "reset/identify", "login", "")
		env.Expect(p, 422, "reset.error.login")
	}
	p = b.Submit(p, "reset/identify", "login", "alice")
	env.Expect(p, 429, "reset.error.too_many")
	if p.Header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	if evs := env.Events(audit.Blocked); len(evs) != 1 || evs[0].Detail["limit"] != "identify_ip" {
		t.Fatalf("audit %+v", evs)
	}
	// Another address is not limited.
	other := env.Browser()
	other.IP = "192.0.2.2"
	env.Expect(env.Identify(other, "reset", "alice"), 200, "reset.method.email")
}

// TestCaptcha: the CAPTCHA is checked and used once, right or wrong.
func TestCaptcha(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Captcha = true
	env.Reset(config.Reset{})
	b := env.Browser()
	p := env.Start(b, "reset")
	env.Expect(p, 200, "reset.identify.captcha")
	for path, ctype := range map[string]string{"reset/captcha.png": "image/png", "reset/captcha.wav": "audio/wav"} {
		if img := b.Get(flowtest.Prefix + path); img.Status != 200 || img.Header.Get("Content-Type") != ctype || len(img.Body) < 100 {
			t.Fatalf("%s: status %d, type %q, %d bytes", path, img.Status, img.Header.Get("Content-Type"), len(img.Body))
		}
	}
	answer := captchaAnswer(env, b)
	if !strings.Contains(p.Body, "Enter the 6 digits you see") {
		t.Errorf("the page does not say how many digits to type:\n%s", p.Body)
	}
	p = b.Submit(p, "reset/identify", "login", " alice ", "captcha", wrong(answer))
	env.Expect(p, 422, "reset.error.captcha")
	// The user ID stays as typed; the cursor waits in the CAPTCHA's field.
	if !strings.Contains(p.Body, `name="login" type="text" dir="auto" value="alice"`) || !strings.Contains(p.Body, `name="captcha" type="text" dir="auto" autocomplete="off" required aria-required="true" aria-describedby="f-captcha-hint" autofocus>`) {
		t.Errorf("after a wrong CAPTCHA the user ID is lost or the focus is not on the CAPTCHA:\n%s", p.Body)
	}
	// The right answer to the old picture no longer works.
	p = b.Submit(p, "reset/identify", "login", "alice", "captcha", answer)
	env.Expect(p, 422, "reset.error.captcha")
	p = b.Submit(p, "reset/identify", "login", "alice", "captcha", captchaAnswer(env, b))
	env.Expect(p, 200, "reset.method.email")
	if img := b.Get(flowtest.Prefix + "reset/captcha.png"); img.Status != 404 {
		t.Fatalf("a CAPTCHA after identify: status %d", img.Status)
	}
	if img := env.Browser().Get(flowtest.Prefix + "reset/captcha.png"); img.Status != 404 {
		t.Fatalf("a CAPTCHA without a flow: status %d", img.Status)
	}
}

func captchaAnswer(env *flowtest.Env, b *flowtest.Browser) string {
	var s struct {
		Captcha struct{ Answer string }
	}
	env.State(b, "reset", &s)
	return s.Captcha.Answer
}

func wrong(answer string) string {
	if strings.HasPrefix(answer, "0") {
		return "1" + answer[1:]
	}
	return "0" + answer[1:]
}

// TestIdentifyTwice: identify is sent at most once per flow.
func TestIdentifyTwice(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Reset(config.Reset{})
	b := env.Browser()
	p := env.Identify(b, "reset", "alice")
	if p := b.Post("/.frontdoor/reset/identify", url.Values{"csrf_token": {p.CSRF(t)}, "login": {"bob"}}); p.Status != 409 {
		t.Fatalf("identify at the method step: status %d", p.Status)
	}
	var s struct{ Login string }
	env.State(b, "reset", &s)
	if s.Login != "alice" {
		t.Fatalf("the flow is for %q now", s.Login)
	}
}

func TestMethodChoice(t *testing.T) {
	t.Run("unknown method", func(t *testing.T) {
		env := flowtest.New(t)
		env.AddUser("alice")
		env.Reset(config.Reset{})
		b := env.Browser()
		p := env.Identify(b, "reset", "alice")
		env.Expect(b.Submit(p, "reset/method", "method", "fax"), 422, "reset.error.method", "reset.method.email")
	})
	t.Run("descriptive shows where the code goes", func(t *testing.T) {
		env := flowtest.New(t)
		env.AddUser("alice", func(u *idp.User) { u.Mobile = "" })
		env.Methods = append(env.Methods, env.TextMethod())
		env.Reset(config.Reset{Disclosure: config.DisclosureDescriptive})
		b := env.Browser()
		p := env.Identify(b, "reset", "alice")
		env.Expect(p, 200, "reset.method.email")
		env.ExpectNot(p, "reset.method.sms")
		if !strings.Contains(p.Body, "al***@example.test") {
			t.Fatalf("no hint of the address:\n%s", p.Body)
		}
		// A method the account cannot use is refused even when sent.
		p = b.Submit(p, "reset/method", "method", "sms")
		env.Expect(p, 422, "reset.error.method")
		p = env.ChooseEmail(b, "reset", p)
		env.Expect(p, 200, "reset.verify.title")
		if !strings.Contains(p.Body, "al***@example.test") {
			t.Fatalf("the code page does not say where the code went:\n%s", p.Body)
		}
	})
	t.Run("generic shows every method and no hint", func(t *testing.T) {
		env := flowtest.New(t)
		env.AddUser("alice", func(u *idp.User) { u.Mobile = "" })
		env.Methods = append(env.Methods, env.TextMethod())
		env.Reset(config.Reset{})
		b := env.Browser()
		p := env.Identify(b, "reset", "alice")
		env.Expect(p, 200, "reset.method.email", "reset.method.sms")
		if strings.Contains(p.Body, "al***") {
			t.Fatal("generic mode shows a hint")
		}
		// The method walks on for a user who cannot use it, and sends nothing.
		env.Expect(b.Submit(p, "reset/method", "method", "sms"), 200, "reset.verify.sent")
		if len(env.Mail()) != 0 {
			t.Fatalf("sent %+v", env.Mail())
		}
	})
}

func TestVerify(t *testing.T) {
	t.Run("wrong code", func(t *testing.T) {
		env, b, p := atVerify(t, config.Reset{})
		code := env.LastCode(aliceMail)
		p = b.Submit(p, "reset/verify", "code", wrong(code))
		env.Expect(p, 422, "reset.error.code", "reset.verify.code")
		if !strings.Contains(p.Body, "5 tries left. After that, self-service is blocked for this account for 24 hours.") {
			t.Errorf("the tries left are not shown:\n%s", p.Body)
		}
		env.Expect(b.Submit(p, "reset/verify", "code", code[:4]+" "+code[4:]), 200, "reset.password.new")
	})
	t.Run("expired code", func(t *testing.T) {
		env, b, p := atVerify(t, config.Reset{})
		env.Clock.Advance(11 * time.Minute)
		env.Expect(b.Submit(p, "reset/verify", "code", env.LastCode(aliceMail)), 422, "reset.error.code_gone")
	})
	t.Run("code used up", func(t *testing.T) {
		env, b, p := atVerify(t, config.Reset{})
		code := env.LastCode(aliceMail)
		for i := range 4 {
			p = b.Submit(p, "reset/verify", "code", wrong(code))
			env.Expect(p, 422, "reset.error.code")
			if want := fmt.Sprintf("%d tries left.", 5-i); !strings.Contains(p.Body, want) {
				t.Errorf("wrong code %d: the page lacks %q", i+1, want)
			}
		}
		// The fifth wrong answer uses the code up, and says what comes next:
		// a new code, and one more wrong one blocks self-service.
		p = b.Submit(p, "reset/verify", "code", wrong(code))
		env.Expect(p, 422, "reset.error.code_exhausted", "reset.verify.last_try")
		env.ExpectNot(p, "reset.error.code_gone")
	})
	t.Run("verify before a method is chosen", func(t *testing.T) {
		env := flowtest.New(t)
		env.AddUser("alice")
		env.Reset(config.Reset{})
		b := env.Browser()
		p := env.Identify(b, "reset", "alice")
		form := url.Values{"csrf_token": {p.CSRF(t)}, "code": {"12345678"}}
		if p := b.Post("/.frontdoor/reset/verify", form); p.Status != 409 {
			t.Fatalf("status %d", p.Status)
		}
		if p := b.Post("/.frontdoor/reset/resend", form); p.Status != 409 {
			t.Fatalf("resend: status %d", p.Status)
		}
	})
}

// TestFailedGatesBlock: the sixth wrong code in an hour blocks the account's
// gated flows for a day, reset and unlock alike; the directory account is
// untouched.
func TestFailedGatesBlock(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Reset(config.Reset{Disclosure: config.DisclosureDescriptive})
	env.Unlock(config.Unlock{}, config.Reset{Disclosure: config.DisclosureDescriptive})
	b := env.Browser()
	p := env.ChooseEmail(b, "reset", env.Identify(b, "reset", "alice"))
	for range 5 {
		p = b.Submit(p, "reset/verify", "code", "00000000")
		env.Expect(p, 422)
	}
	p = b.Submit(p, "reset/verify", "code", "00000000")
	env.Expect(p, 200, "reset.stopped.blocked")
	if evs := env.Events(audit.Blocked); len(evs) != 1 || evs[0].Detail["limit"] != "failed_gates" {
		t.Fatalf("audit %+v", evs)
	}
	if told := env.Blocked(); len(told) != 1 || told[0].ID != "id-alice" {
		t.Fatalf("owners told of the block: %+v; want alice once", told)
	}
	env.Expect(env.Identify(env.Browser(), "reset", "alice"), 200, "reset.stopped.blocked")
	env.Expect(env.Identify(env.Browser(), "unlock", "alice"), 200, "unlock.stopped.blocked")
	if u, _, _ := env.Dir.User("id-alice"); u.Locked || env.Dir.Calls().Writes() != 0 {
		t.Fatal("the block touched the directory account")
	}
	env.Clock.Advance(24*time.Hour + time.Minute)
	env.Expect(env.Identify(env.Browser(), "reset", "alice"), 200, "reset.method.email")
}

// TestSuccessClearsFailures: a flow that did what it was for forgets the
// account's failed gates.
func TestSuccessClearsFailures(t *testing.T) {
	env, b, p := atVerify(t, config.Reset{})
	code := env.LastCode(aliceMail)
	p = b.Submit(p, "reset/verify", "code", wrong(code))
	p = b.Submit(p, "reset/verify", "code", code)
	count := func() int {
		n, err := env.Store.Limits().Count(t.Context(), "reset-fail:id:id-alice", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 1 {
		t.Fatalf("failed gates %d, want 1", n)
	}
	pw := "Blue-Kettle-Morning-47!"
	env.Expect(b.Submit(p, "reset/password", "password", pw, "confirm", pw), 200, "reset.done.message")
	if n := count(); n != 0 {
		t.Fatalf("failed gates %d after the reset", n)
	}
}

func TestResend(t *testing.T) {
	env, b, p := atVerify(t, config.Reset{})
	first := env.LastCode(aliceMail)
	p = b.Submit(p, "reset/resend")
	env.Expect(p, 200, "reset.verify.title")
	second := env.LastCode(aliceMail)
	if len(env.Mail()) != 2 {
		t.Fatalf("%d codes sent", len(env.Mail()))
	}
	if first != second {
		p = b.Submit(p, "reset/verify", "code", first)
		env.Expect(p, 422, "reset.error.code")
	}
	env.Expect(b.Submit(p, "reset/verify", "code", second), 200, "reset.password.new")
	if evs := env.Events(audit.MethodSent); len(evs) != 2 {
		t.Fatalf("audit %+v", evs)
	}
}

// TestTooManyCodes: the send limit is told in descriptive mode only; in
// generic mode the page is the same as after a send.
func TestTooManyCodes(t *testing.T) {
	for _, mode := range []config.Disclosure{config.DisclosureGeneric, config.DisclosureDescriptive} {
		t.Run(string(mode), func(t *testing.T) {
			env := flowtest.New(t)
			env.Codes.PerAccount = 2
			env.AddUser("alice")
			env.Reset(config.Reset{Disclosure: mode})
			b := env.Browser()
			p := env.ChooseEmail(b, "reset", env.Identify(b, "reset", "alice"))
			p = b.Submit(p, "reset/resend")
			env.Expect(p, 200)
			p = b.Submit(p, "reset/resend")
			if mode == config.DisclosureDescriptive {
				env.Expect(p, 429, "reset.error.too_many_codes")
			} else {
				env.Expect(p, 200, "reset.verify.sent")
				env.ExpectNot(p, "reset.error.too_many_codes")
			}
			if n := len(env.Mail()); n != 2 {
				t.Fatalf("%d codes sent with a limit of 2", n)
			}
			if evs := env.Events(audit.Blocked); len(evs) != 1 || evs[0].Outcome != "rate_limited" {
				t.Fatalf("audit %+v", evs)
			}
		})
	}
}

// TestMethodGone: a rolling deploy removes the method a flow was verifying
// with; the flow goes back to the choice of method.
func TestMethodGone(t *testing.T) {
	for _, action := range []string{"reset/verify", "reset/resend"} {
		t.Run(action, func(t *testing.T) {
			env := flowtest.New(t)
			env.AddUser("alice")
			env.Reset(config.Reset{Methods: []string{"email", "sms"}})
			b := env.Browser()
			p := env.ChooseEmail(b, "reset", env.Identify(b, "reset", "alice"))

			next := env.Replica()
			next.Methods = []methods.Method{next.TextMethod()}
			next.Reset(config.Reset{Methods: []string{"sms"}})
			b.Via(next)
			p = b.Submit(p, action, "code", env.LastCode(aliceMail))
			next.Expect(p, 409, "reset.error.method_gone", "reset.method.sms")
			next.ExpectNot(p, "reset.method.email")
			if step := next.Step(b, "reset"); step != "method" {
				t.Fatalf("the flow is at %q", step)
			}
			p = b.Submit(p, "reset/method", "method", "sms")
			next.Expect(p, 200, "reset.verify.title")
			p = b.Submit(p, "reset/verify", "code", next.LastCode("+15550100"))
			next.Expect(p, 200, "reset.password.new")
		})
	}
}

// TestTwoGates: with methods_required 2 the account passes two different
// methods, each with its own code, before the owner's step.
func TestTwoGates(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Methods = append(env.Methods, env.TextMethod())
	env.Unlock(config.Unlock{}, config.Reset{MethodsRequired: 2, Disclosure: config.DisclosureDescriptive})
	b := env.Browser()
	p := env.Identify(b, "unlock", "alice")
	env.Expect(p, 200, "unlock.method.lead", "reset.method.email", "reset.method.sms")
	if !strings.Contains(p.Body, "Verification step 1 of 2") {
		t.Fatalf("no step count:\n%s", p.Body)
	}
	p = b.Submit(env.ChooseEmail(b, "unlock", p), "unlock/verify", "code", env.LastCode(aliceMail))
	env.Expect(p, 200, "reset.method.sms")
	env.ExpectNot(p, "reset.method.email")
	if !strings.Contains(p.Body, "Verification step 2 of 2") {
		t.Fatalf("no step count:\n%s", p.Body)
	}
	// The first gate's method cannot be passed twice.
	env.Expect(b.Submit(p, "unlock/method", "method", "email"), 422, "reset.error.method")
	p = b.Submit(p, "unlock/method", "method", "sms")
	env.Expect(p, 200, "reset.verify.title")
	p = b.Submit(p, "unlock/verify", "code", env.LastCode("+15550100"))
	env.Expect(p, 200, "unlock.confirm.lead")
	env.Expect(b.Submit(p, "unlock/confirm"), 200, "unlock.done.not_locked")
	evs := env.Events(audit.Unlocked)
	if len(evs) != 1 || evs[0].Detail["methods"] != "email,sms" {
		t.Fatalf("audit %+v", evs)
	}
}

// TestTwoGatesOneMethod: an account that can use only one method cannot
// pass two gates.
func TestTwoGatesOneMethod(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice", func(u *idp.User) { u.Mobile = "" })
	env.Methods = append(env.Methods, env.TextMethod())
	env.Reset(config.Reset{MethodsRequired: 2, Disclosure: config.DisclosureDescriptive})
	env.Expect(env.Identify(env.Browser(), "reset", "alice"), 200, "reset.stopped.no_method")
}

// TestNoFlow: pages of a flow that does not exist, or no longer, send the
// user to a new start; a form without its token is refused.
func TestNoFlow(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Reset(config.Reset{})
	for _, path := range []string{"reset/step", "reset/identify", "reset/method", "reset/verify", "reset/resend"} {
		b := env.Browser()
		var p flowtest.Page
		if path == "reset/step" {
			p = b.Get(flowtest.Prefix + path)
		} else {
			p = b.Post(flowtest.Prefix+path, url.Values{"login": {"alice"}})
		}
		env.Expect(p, 200, "reset.identify.login")
		if p.URL.Path != "/.frontdoor/reset" {
			t.Fatalf("%s without a flow ends at %s", path, p.URL)
		}
	}
	b := env.Browser()
	p := env.Identify(b, "reset", "alice")
	env.Expect(b.Post("/.frontdoor/reset/method", url.Values{"method": {"email"}}), 403, "error.forbidden.title")
	env.Clock.Advance(16 * time.Minute)
	p = b.Submit(p, "reset/method", "method", "email")
	env.Expect(p, 200, "reset.identify.login")
	if len(env.Mail()) != 0 {
		t.Fatal("an expired flow sent a code")
	}
}

func TestFormTooLarge(t *testing.T) {
	env := flowtest.New(t)
	env.Reset(config.Reset{})
	b := env.Browser()
	p := env.Start(b, "reset")
	env.Expect(b.Submit(p, "reset/identify", "login", strings.Repeat("a", 20<<10)), 413, "error.too_large.title")
}

// TestReturnTo: the sign-in page the flow started from is kept for the way
// back; one on another site is dropped.
func TestReturnTo(t *testing.T) {
	env := flowtest.New(t)
	env.Reset(config.Reset{Disclosure: config.DisclosureDescriptive})
	b := env.Browser()
	p := b.Get("/.frontdoor/reset?return_to=" + url.QueryEscape("/app/login?x=1"))
	p = b.Submit(p, "reset/identify", "login", "nobody")
	env.Expect(p, 200, "reset.stopped.not_found")
	if !strings.Contains(p.Body, `href="http://frontdoor.test/app/login?x=1"`) {
		t.Fatalf("no way back to the sign-in page:\n%s", p.Body)
	}
	p = b.Get("/.frontdoor/reset?return_to=" + url.QueryEscape("https://evil.example/"))
	p = b.Submit(p, "reset/identify", "login", "nobody")
	if strings.Contains(p.Body, "evil.example") || !strings.Contains(p.Body, `href="http://frontdoor.test/"`) {
		t.Fatalf("a foreign return_to was kept:\n%s", p.Body)
	}
}

// TestBackToMethodChoice: from the code page a user may go back and choose
// another method, when there is one; the gate is not passed by going back.
func TestBackToMethodChoice(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Methods = append(env.Methods, env.TextMethod())
	env.Reset(config.Reset{})
	b := env.Browser()
	p := env.ChooseEmail(b, "reset", env.Identify(b, "reset", "alice"))
	env.Expect(p, 200, "reset.verify.title", "reset.verify.other_method")
	p = b.Submit(p, "reset/back")
	env.Expect(p, 200, "reset.method.email", "reset.method.sms")
	if step := env.Step(b, "reset"); step != "method" {
		t.Fatalf("after back the flow is at %q", step)
	}
	env.Expect(b.Submit(p, "reset/method", "method", "sms"), 200, "reset.verify.sent")

	// With one method there is nothing to go back to.
	_, _, one := atVerify(t, config.Reset{})
	if one.HasForm("reset/back") {
		t.Error("the code page offers another method when there is none")
	}
}

// TestResendDoesNotOutliveTheFlow (G-4): the resend button pressed every
// four minutes keeps giving fresh codes, each counted toward the send cap,
// but the flow still ends 15 minutes after it began: a code resent just
// before that opens nothing after it.
func TestResendDoesNotOutliveTheFlow(t *testing.T) {
	env := flowtest.New(t)
	env.Codes.PerAccount = 100
	env.AddUser("alice")
	env.Reset(config.Reset{})
	b := env.Browser()
	p := env.ChooseEmail(b, "reset", env.Identify(b, "reset", "alice"))
	for elapsed := 4 * time.Minute; elapsed < 15*time.Minute; elapsed += 4 * time.Minute {
		env.Clock.Advance(4 * time.Minute)
		p = b.Submit(p, "reset/resend")
		env.Expect(p, 200, "reset.verify.title")
	}
	if n := len(env.Mail()); n != 4 {
		t.Fatalf("%d codes sent, want the first and 3 resends", n)
	}
	if evs := env.Events(audit.MethodSent); len(evs) != 4 {
		t.Fatalf("%d sends audited, want 4", len(evs))
	}
	env.Clock.Advance(4 * time.Minute) // 16 minutes after the start; the last code is 4 minutes old
	p = b.Submit(p, "reset/verify", "code", env.LastCode(aliceMail))
	env.ExpectNot(p, "reset.password.new")
	if step := env.Step(b, "reset"); step == "password" {
		t.Fatalf("the flow reached %q after its lifetime", step)
	}
}

// TestFailedGatesBlockOfUnknownUserID: in generic mode an unknown user ID is
// blocked by wrong codes as an account is, and there is no owner to tell.
func TestFailedGatesBlockOfUnknownUserID(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Reset(config.Reset{})
	b := env.Browser()
	p := env.ChooseEmail(b, "reset", env.Identify(b, "reset", "nobody"))
	for range 6 {
		p = b.Submit(p, "reset/verify", "code", "00000000")
	}
	if evs := env.Events(audit.Blocked); len(evs) != 1 {
		t.Fatalf("audit %+v: want the unknown user ID blocked", evs)
	}
	if told := env.Blocked(); len(told) != 0 {
		t.Fatalf("owners told of an unknown user ID's block: %+v", told)
	}
}
