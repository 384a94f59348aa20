package questions

import (
	"context"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/methodstest"
)

// questionsEnv mounts a reset with the email and security_questions
// methods; alice registered three questions.
func questionsEnv(t *testing.T, rc config.Reset) (*flowtest.Env, *Questions, map[string]string) {
	t.Helper()
	env := flowtest.New(t)
	alice := env.AddUser("alice")
	regs := methodstest.NewRegistrations()
	cfg := &config.Config{}
	cfg.SecurityQuestions.ApplyDefaults()
	q := New(methods.Env{Registrations: regs, Codes: env.Codes, Config: cfg})
	q.Hasher.derive = cheap
	env.Methods = append(env.Methods, q)
	f := fixture{m: q, regs: regs}
	texts := f.enroll(t, alice, "q03", "q12", "q27")
	rc.Methods = []string{"email", Name}
	env.Reset(rc)
	return env, q, texts
}

var labelRE = regexp.MustCompile(`<label for="f-answer\d">([^<]+?) <span`)

// shown returns the question texts on a page.
func shown(p flowtest.Page) []string {
	var out []string
	for _, m := range labelRE.FindAllStringSubmatch(p.Body, -1) {
		out = append(out, m[1])
	}
	return out
}

func submitAnswers(b *flowtest.Browser, p flowtest.Page, a ...string) flowtest.Page {
	var fields []string
	for i, s := range a {
		fields = append(fields, Field(i), s)
	}
	return b.Submit(p, "reset/verify", fields...)
}

func TestResetWithQuestions(t *testing.T) {
	env, _, texts := questionsEnv(t, config.Reset{})
	b := env.Browser()
	p := env.Identify(b, "reset", "alice")
	env.Expect(p, 200, "reset.method.security_questions")
	p = b.Submit(p, "reset/method", "method", Name)
	env.Expect(p, 200, "reset.verify.questions_title", "reset.verify.questions_lead", "question.q03", "question.q12", "question.q27")
	if got := shown(p); len(got) != 3 {
		t.Fatalf("the page asks %v", got)
	}
	// A wrong set: one failed gate, the questions shown again.
	p = submitAnswers(b, p, texts["q03"], "wrong", texts["q27"])
	env.Expect(p, 422, "reset.error.answers", "question.q03")
	if n, _ := env.Store.Limits().Count(context.Background(), "reset-fail:id:id-alice", time.Hour); n != 1 {
		t.Fatalf("a wrong set counted %d failed gates, want 1", n)
	}
	p = submitAnswers(b, p, texts["q03"], texts["q12"], texts["q27"])
	env.Expect(p, 200, "reset.password.new")
}

// Wrong sets count towards the account's failed gates: after the
// challenge's tries a new one is asked for ("answer again"), and the sixth
// wrong set in an hour stops the flow.
func TestWrongAnswersBlock(t *testing.T) {
	env, _, _ := questionsEnv(t, config.Reset{})
	b := env.Browser()
	p := env.Identify(b, "reset", "alice")
	p = b.Submit(p, "reset/method", "method", Name)
	for i := 1; i <= 5; i++ {
		p = submitAnswers(b, p, "nope", "nope", "nope")
		if i%3 == 0 {
			env.Expect(p, 422, "reset.error.answers_gone")
			p = b.Submit(p, "reset/resend")
			env.Expect(p, 200, "question.q03")
			continue
		}
		env.Expect(p, 422, "reset.error.answers")
	}
	p = submitAnswers(b, p, "nope", "nope", "nope")
	env.Expect(p, 200, "reset.stopped.blocked")
}

// In generic mode an unknown user ID walks the same pages and meets
// questions that stay the same for that ID.
func TestUnknownIDMeetsStableQuestions(t *testing.T) {
	env, _, _ := questionsEnv(t, config.Reset{})
	var first []string
	for range 3 {
		b := env.Browser()
		p := env.Identify(b, "reset", "nobody")
		env.Expect(p, 200, "reset.method.security_questions")
		p = b.Submit(p, "reset/method", "method", Name)
		env.Expect(p, 200, "reset.verify.questions_lead")
		got := shown(p)
		if len(got) != 3 {
			t.Fatalf("an unknown ID is asked %v", got)
		}
		if first == nil {
			first = got
		} else if !slices.Equal(first, got) {
			t.Fatalf("an unknown ID was asked %v, then %v", first, got)
		}
		p = submitAnswers(b, p, "paris", "rex", "smith")
		env.Expect(p, 422, "reset.error.answers")
	}
}
