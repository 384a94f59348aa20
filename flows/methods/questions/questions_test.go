package questions

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/methodstest"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

var alice = idp.User{ID: "7f3c2a9e-alice", Login: "alice"}

type fixture struct {
	m    *Questions
	regs *methodstest.Registrations
	st   store.Store
	clk  *methodstest.Clock
}

// setup returns the method on a real SQLite store. Unless real is set the
// hash is a cheap stand-in (SHA-256 of salt and answer): argon2id at 19 MiB
// under the race detector would make the suite crawl; TestArgon2 checks
// the real one.
func setup(t *testing.T, cfg config.SecurityQuestions) fixture {
	t.Helper()
	clk := methodstest.NewClock()
	st := methodstest.Store(t, clk)
	regs := methodstest.NewRegistrations()
	full := &config.Config{SecurityQuestions: cfg}
	full.SecurityQuestions.ApplyDefaults()
	m := New(methods.Env{Registrations: regs, Config: full,
		Codes: &methods.CodeService{Codes: st.Codes(), Limits: st.Limits(), Secret: []byte("0123456789abcdef0123456789abcdef"), Now: clk.Now}})
	m.Hasher.derive = cheap
	return fixture{m: m, regs: regs, st: st, clk: clk}
}

func cheap(answer, salt []byte, _ Params) []byte {
	s := sha256.Sum256(append(append([]byte{}, salt...), answer...))
	return s[:]
}

func (f fixture) target(t *testing.T, u *idp.User, key string) methods.Target {
	return methods.Target{FlowID: methodstest.Flow(t, f.st, f.clk), Purpose: "gate1", Lang: "en", User: u, Key: key}
}

// enroll registers "answer N" style answers to the questions named.
func (f fixture) enroll(t *testing.T, u idp.User, ids ...string) map[string]string {
	t.Helper()
	texts := map[string]string{}
	var as []Answer
	for _, id := range ids {
		texts[id] = "The answer to " + id
		as = append(as, Answer{Question: id, Text: texts[id]})
	}
	ch, err := f.m.Enroll(context.Background(), u, as)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Method != Name || ch.UserID != u.ID || ch.Action != methods.ChangeRegistered {
		t.Fatalf("change %+v", ch)
	}
	return texts
}

// asked returns the challenge's questions.
func (f fixture) asked(t *testing.T, tg methods.Target) []Question {
	t.Helper()
	c, err := f.m.Challenge(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	return c.(Challenge).Questions
}

// answers fills the form with the registered answers to what is asked,
// written with another case and extra spaces.
func answers(qs []Question, texts map[string]string) url.Values {
	form := url.Values{}
	for i, q := range qs {
		form.Set(Field(i), "  "+strings.ToUpper(strings.ReplaceAll(texts[q.ID], " ", "   "))+" ")
	}
	return form
}

func TestRightAnswersPassOnce(t *testing.T) {
	ctx := context.Background()
	f := setup(t, config.SecurityQuestions{})
	texts := f.enroll(t, alice, "q05", "q01", "q30")
	if _, ok := f.m.Hint(ctx, alice); !ok {
		t.Fatal("not usable after registering")
	}
	tg := f.target(t, &alice, "id:"+alice.ID)
	if err := f.m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	qs := f.asked(t, tg)
	ids := []string{}
	for _, q := range qs {
		ids = append(ids, q.ID)
	}
	if !slices.Equal(ids, []string{"q01", "q05", "q30"}) || qs[0].MessageID != "question.q01" {
		t.Fatalf("asked %+v", qs)
	}
	if err := f.m.Verify(ctx, tg, answers(qs, texts)); err != nil {
		t.Fatalf("right answers: %v", err)
	}
	if err := f.m.Verify(ctx, tg, answers(qs, texts)); !errors.Is(err, methods.ErrExhausted) {
		t.Fatalf("the passed challenge again: %v, want ErrExhausted", err)
	}
}

// A wrong set, however many answers in it are wrong, spends one try of the
// challenge; the last try ends it, and the right answers then fail too.
func TestWrongSetSpendsOneTry(t *testing.T) {
	ctx := context.Background()
	f := setup(t, config.SecurityQuestions{Tries: 3})
	texts := f.enroll(t, alice, "q02", "q03", "q04")
	tg := f.target(t, &alice, "id:"+alice.ID)
	if err := f.m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	qs := f.asked(t, tg)
	oneWrong := answers(qs, texts)
	oneWrong.Set(Field(1), "not it")
	allWrong := url.Values{}
	for _, form := range []url.Values{allWrong, oneWrong} {
		if err := f.m.Verify(ctx, tg, form); !errors.Is(err, methods.ErrMismatch) {
			t.Fatalf("wrong set: %v, want ErrMismatch", err)
		}
	}
	if err := f.m.Verify(ctx, tg, oneWrong); !errors.Is(err, methods.ErrExhausted) {
		t.Fatalf("third wrong set: %v, want ErrExhausted", err)
	}
	if err := f.m.Verify(ctx, tg, answers(qs, texts)); !errors.Is(err, methods.ErrExhausted) {
		t.Fatalf("right answers after the last try: %v, want ErrExhausted", err)
	}
	// A new challenge (the page's "try again") asks the same questions.
	if err := f.m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	if again := f.asked(t, tg); !slices.Equal(again, qs) {
		t.Fatalf("a new challenge asks %v, the first asked %v", again, qs)
	}
	if err := f.m.Verify(ctx, tg, answers(qs, texts)); err != nil {
		t.Fatalf("right answers to a new challenge: %v", err)
	}
}

func TestExpired(t *testing.T) {
	ctx := context.Background()
	f := setup(t, config.SecurityQuestions{})
	texts := f.enroll(t, alice, "q02", "q03", "q04")
	tg := f.target(t, &alice, "id:"+alice.ID)
	if err := f.m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	f.clk.Add(challengeTTL + 1)
	if err := f.m.Verify(ctx, tg, answers(f.asked(t, tg), texts)); !errors.Is(err, methods.ErrExpired) {
		t.Fatalf("after the lifetime: %v, want ErrExpired", err)
	}
}

// With 5 registered and 3 asked, each flow asks 3 of the 5, the same on
// every replica, and flows do not all ask the same 3.
func TestSubsetPerFlow(t *testing.T) {
	f := setup(t, config.SecurityQuestions{Register: 5, Answer: 3})
	reg := []string{"q01", "q07", "q11", "q20", "q33"}
	texts := f.enroll(t, alice, reg...)
	replica := New(methods.Env{Registrations: f.regs, Config: &config.Config{SecurityQuestions: f.m.Config},
		Codes: &methods.CodeService{Codes: f.st.Codes(), Secret: f.m.Secret, Now: f.clk.Now}})
	replica.Hasher.derive = cheap
	seen := map[string]bool{}
	for range 12 {
		tg := f.target(t, &alice, "id:"+alice.ID)
		qs := f.asked(t, tg)
		if len(qs) != 3 {
			t.Fatalf("asked %d questions, want 3", len(qs))
		}
		c, _ := replica.Challenge(context.Background(), tg)
		if !slices.Equal(c.(Challenge).Questions, qs) {
			t.Fatal("another replica asks other questions in the same flow")
		}
		var ids []string
		for _, q := range qs {
			if !slices.Contains(reg, q.ID) {
				t.Fatalf("asked %s, which alice did not register", q.ID)
			}
			ids = append(ids, q.ID)
		}
		seen[strings.Join(ids, ",")] = true
		if err := f.m.Start(context.Background(), tg); err != nil {
			t.Fatal(err)
		}
		if err := replica.Verify(context.Background(), tg, answers(qs, texts)); err != nil {
			t.Fatalf("right answers on another replica: %v", err)
		}
	}
	if len(seen) < 2 {
		t.Fatalf("12 flows all asked %v", seen)
	}
}

// A user ID that matched nobody meets questions that look like a real
// registration's, the same ones in every flow, and no answer passes.
func TestDecoysStable(t *testing.T) {
	ctx := context.Background()
	f := setup(t, config.SecurityQuestions{Register: 5, Answer: 3})
	pool := map[string]bool{}
	var first []Question
	for i := range 15 {
		tg := f.target(t, nil, "login:0badc0ffee")
		qs := f.asked(t, tg)
		if len(qs) != 3 {
			t.Fatalf("asked %d decoys, want 3", len(qs))
		}
		for _, q := range qs {
			pool[q.ID] = true
		}
		if i == 0 {
			first = qs
		}
		if err := f.m.Start(ctx, tg); err != nil {
			t.Fatal(err)
		}
		if err := f.m.Verify(ctx, tg, url.Values{Field(0): {"paris"}, Field(1): {"rex"}, Field(2): {"smith"}}); !errors.Is(err, methods.ErrMismatch) {
			t.Fatalf("answers to decoys: %v, want ErrMismatch", err)
		}
	}
	if len(pool) > 5 {
		t.Fatalf("an unknown ID met %d different questions over 15 flows, a registration has 5", len(pool))
	}
	// Same ID, same flow, another replica: the same decoys.
	again := f.asked(t, methods.Target{FlowID: "x", Purpose: "gate1", Key: "login:0badc0ffee"})
	other := f.asked(t, methods.Target{FlowID: "x", Purpose: "gate1", Key: "login:5eed"})
	if slices.Equal(again, other) {
		t.Error("two unknown IDs meet the same decoys in the same flow")
	}
	// With register = answer every flow asks the whole decoy set.
	g := setup(t, config.SecurityQuestions{Register: 3})
	a := g.asked(t, g.target(t, nil, "login:0badc0ffee"))
	b := g.asked(t, g.target(t, nil, "login:0badc0ffee"))
	if !slices.Equal(a, b) || len(first) != 3 {
		t.Fatalf("decoys changed between flows: %v, then %v", a, b)
	}
}

func TestEnrollRefusals(t *testing.T) {
	f := setup(t, config.SecurityQuestions{Custom: []string{"What was the name of our first office?"}})
	custom := f.m.Choices()[BuiltIn].ID
	ok := func(q, a string) Answer { return Answer{Question: q, Text: a} }
	cases := []struct {
		name    string
		u       idp.User
		answers []Answer
		want    string
		index   int
	}{
		{"too few", alice, []Answer{ok("q01", "paris"), ok("q02", "rex")}, ErrCount, -1},
		{"too many", alice, []Answer{ok("q01", "paris"), ok("q02", "rex"), ok("q03", "sam"), ok("q04", "tom")}, ErrCount, -1},
		{"unknown question", alice, []Answer{ok("q01", "paris"), ok("q99", "rex"), ok("q03", "sam")}, ErrUnknownQuestion, 1},
		{"same question twice", alice, []Answer{ok("q01", "paris"), ok("q01", "lyon"), ok("q03", "sam")}, ErrDuplicateQuestion, 1},
		{"short", alice, []Answer{ok("q01", "paris"), ok("q02", "  rx  "), ok("q03", "sam")}, ErrLength, 1},
		{"long", alice, []Answer{ok("q01", strings.Repeat("a", 41)), ok("q02", "rex"), ok("q03", "sam")}, ErrLength, 0},
		{"control character", alice, []Answer{ok("q01", "par\x00is"), ok("q02", "rex"), ok("q03", "sam")}, ErrLength, 0},
		{"same answer, other case", alice, []Answer{ok("q01", "Paris"), ok("q02", "rex"), ok(custom, "  PARIS")}, ErrDuplicateAnswer, 2},
		{"privileged", idp.User{ID: "adm", Privileged: true}, []Answer{ok("q01", "paris"), ok("q02", "rex"), ok("q03", "sam")}, ErrPrivileged, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.m.Enroll(context.Background(), c.u, c.answers)
			var ee *EnrolError
			if !errors.As(err, &ee) || ee.MessageID != c.want || ee.Index != c.index {
				t.Fatalf("Enroll: %v, want %s at %d", err, c.want, c.index)
			}
		})
	}
	if f.regs.Writes != 0 {
		t.Fatalf("refused sets wrote %d registrations", f.regs.Writes)
	}
	// Forty characters, with a custom question, pass; the stored section
	// holds no answer in clear.
	if _, err := f.m.Enroll(context.Background(), alice, []Answer{ok("q01", strings.Repeat("é", 40)), ok("q02", "Rex the dog"), ok(custom, "Rue de la Paix")}); err != nil {
		t.Fatal(err)
	}
	var raw json.RawMessage
	if _, err := f.regs.Section(context.Background(), alice.ID, Name, &raw); err != nil {
		t.Fatal(err)
	}
	if s := strings.ToLower(string(raw)); strings.Contains(s, "rex") || strings.Contains(s, "paix") {
		t.Fatalf("the stored section holds an answer: %s", raw)
	}
}

func TestHint(t *testing.T) {
	ctx := context.Background()
	f := setup(t, config.SecurityQuestions{Custom: []string{"Name of the first office?"}})
	custom := f.m.Choices()[BuiltIn].ID
	bob := idp.User{ID: "bob"}
	if _, ok := f.m.Hint(ctx, bob); ok {
		t.Error("usable without a registration")
	}
	f.enroll(t, bob, "q01", "q02", custom)
	if _, ok := f.m.Hint(ctx, bob); !ok {
		t.Error("not usable after registering")
	}
	bob.Privileged = true
	if _, ok := f.m.Hint(ctx, bob); ok {
		t.Error("offered to a privileged account")
	}
	// The operator drops the custom question: two usable answers are not enough.
	g := New(methods.Env{Registrations: f.regs, Config: &config.Config{SecurityQuestions: config.SecurityQuestions{}}})
	if _, ok := g.Hint(ctx, idp.User{ID: "bob"}); ok {
		t.Error("usable with a question the configuration no longer offers")
	}
	if qs, _ := g.Registered(ctx, idp.User{ID: "bob"}); len(qs) != 2 {
		t.Errorf("Registered lists %v, want the two still offered", qs)
	}
	ch, removed, err := f.m.Remove(ctx, idp.User{ID: "bob"})
	if err != nil || !removed || ch.Action != methods.ChangeRemoved {
		t.Fatalf("Remove: %+v %v %v", ch, removed, err)
	}
	if _, ok := f.m.Hint(ctx, idp.User{ID: "bob"}); ok {
		t.Error("usable after removal")
	}
	if _, removed, _ := f.m.Remove(ctx, idp.User{ID: "bob"}); removed {
		t.Error("a second removal reported a change")
	}
}

func TestReplaceIsAChange(t *testing.T) {
	f := setup(t, config.SecurityQuestions{})
	f.enroll(t, alice, "q01", "q02", "q03")
	ch, err := f.m.Enroll(context.Background(), alice, []Answer{{"q04", "abc"}, {"q05", "def"}, {"q06", "ghi"}})
	if err != nil || ch.Action != methods.ChangeReplaced {
		t.Fatalf("second Enroll: %+v %v", ch, err)
	}
	qs, _ := f.m.Registered(context.Background(), alice)
	if len(qs) != 3 || qs[0].ID != "q04" {
		t.Fatalf("registered %v", qs)
	}
}

func TestCheck(t *testing.T) {
	cfg := &config.Config{Reset: &config.Reset{MethodsRequired: 2, Methods: []string{Name}}}
	if ps := check(cfg); len(ps) != 1 || ps[0].Path != "reset.methods" {
		t.Fatalf("questions alone with two gates: %v", ps)
	}
	cfg.Reset.Methods = []string{"email", Name}
	if ps := check(cfg); len(ps) != 0 {
		t.Fatalf("questions and email with two gates: %v", ps)
	}
	spec, ok := methods.Lookup(Name)
	if !ok || spec.Kind != methods.KindQuestions || !methods.IsWeak(spec.New(methods.Env{})) {
		t.Fatalf("registry entry %+v", spec)
	}
}

func TestCatalogueIDsFollowText(t *testing.T) {
	a := NewCatalogue(true, []string{"First office?", "Team mascot?"})
	b := NewCatalogue(false, []string{" team MASCOT? ", "First office?"})
	if a.Len() != BuiltIn+2 || b.Len() != 2 {
		t.Fatalf("lengths %d, %d", a.Len(), b.Len())
	}
	qa, _ := a.Get(a.All()[BuiltIn+1].ID)
	if qb, ok := b.Get(qa.ID); !ok || b.All()[0].ID != qa.ID || qb.Text != "team MASCOT?" {
		t.Fatalf("a custom question's ID changed with its place: %+v %+v", qa, qb)
	}
}
