package questions

import (
	"context"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/appcode"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/methodstest"
)

// A reset that requires two gates, passed with a code from the
// authenticator app and then the security questions.
func TestTwoGatesAppCodeAndQuestions(t *testing.T) {
	ctx := context.Background()
	env := flowtest.New(t)
	alice := env.AddUser("alice")
	regs := methodstest.NewRegistrations()
	cfg := &config.Config{Organization: "Example Corp"}
	cfg.SecurityQuestions.ApplyDefaults()
	menv := methods.Env{Registrations: regs, Codes: env.Codes, Config: cfg}
	q := New(menv)
	q.Hasher.derive = cheap
	app := appcode.New(menv)
	env.Methods = []methods.Method{app, q}
	texts := fixture{m: q, regs: regs}.enroll(t, alice, "q08", "q16", "q35")
	setup, err := app.Begin(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.ReplaceAll(setup.Key, " ", "")
	first, _ := totp.GenerateCode(key, env.Clock.Now().Add(-appcode.Period))
	if _, err := app.Confirm(ctx, alice, first); err != nil {
		t.Fatal(err)
	}
	env.Reset(config.Reset{MethodsRequired: 2, Methods: []string{appcode.Name, Name}})

	b := env.Browser()
	p := env.Identify(b, "reset", "alice")
	env.Expect(p, 200, "reset.method.app_code", "reset.method.security_questions")
	p = b.Submit(p, "reset/method", "method", appcode.Name)
	env.Expect(p, 200, "reset.verify.app_code_lead")
	env.ExpectNot(p, "reset.verify.resend")
	code, _ := totp.GenerateCode(key, env.Clock.Now())
	p = b.Submit(p, "reset/verify", "code", code)
	env.Expect(p, 200, "reset.method.security_questions")
	env.ExpectNot(p, "reset.method.app_code")
	p = b.Submit(p, "reset/method", "method", Name)
	env.Expect(p, 200, "question.q08", "question.q16", "question.q35")
	p = submitAnswers(b, p, texts["q08"], texts["q16"], texts["q35"])
	env.Expect(p, 200, "reset.password.new")
	p = b.Submit(p, "reset/password", "password", "Blue-Kettle-Morning-47!", "confirm", "Blue-Kettle-Morning-47!")
	env.Expect(p, 200, "reset.done.message")

	// The app's code of this step opened one gate; in another flow it fails.
	b2 := env.Browser()
	p = env.Identify(b2, "reset", "alice")
	p = b2.Submit(p, "reset/method", "method", appcode.Name)
	p = b2.Submit(p, "reset/verify", "code", code)
	env.Expect(p, 422, "reset.error.code")
}
