package templates

import (
	"context"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/policy"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// passwordPage has the fields the reset_password page uses, as
// flows/reset.PasswordPage fills them.
type passwordPage struct {
	Form    Form
	Rules   []policy.Rule
	Reasons []policy.Reason
}

// samplePasswordPage is the reset_password page of the default policy with
// a breached-password source, after a refusal for three reasons.
var samplePasswordPage = passwordPage{
	Rules: []policy.Rule{{Code: policy.RuleLength, Min: 8, Max: 256}, {Code: policy.RuleClasses, Min: 3},
		{Code: policy.RuleBanned}, {Code: policy.RuleBreached}},
	Reasons: []policy.Reason{{Code: policy.ReasonTooShort, N: 8}, {Code: policy.ReasonClasses, N: 3}, {Code: policy.ReasonContext}},
	Form: Form{Action: "reset/password", Submit: "reset.password.submit", Fields: []Field{
		{Name: "password", Type: "password", Label: "reset.password.new", Autocomplete: "new-password", Required: true, Autofocus: true},
		{Name: "confirm", Type: "password", Label: "reset.password.confirm", Autocomplete: "new-password", Required: true},
	}},
}

// refusedPage is the reset_password page after the default policy refused
// "Aliсe" (with a Cyrillic с) for Alice: too short, too few kinds, her name.
func refusedPage(t testing.TB) passwordPage {
	t.Helper()
	p, err := policy.New(config.PasswordPolicy{}, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	verdict, err := p.Check(context.Background(), "Ali\u0441e", policy.Context{GivenName: "Alice"})
	if err != nil {
		t.Fatal(err)
	}
	return passwordPage{Rules: p.Rules(), Reasons: verdict.Reasons, Form: samplePasswordPage.Form}
}

// Every message the policy may ask for is in every catalog, with its numbers filled in.
func TestPolicyMessages(t *testing.T) {
	s := testSet(t, "")
	for _, id := range policy.MessageIDs() {
		for i, tag := range s.cat.tags {
			msg, err := localizer(t, s, i).Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: map[string]any{"N": 7, "Min": 8, "Max": 256}})
			if err != nil || msg == "" || strings.Contains(msg, "<no value>") {
				t.Errorf("%s: message %q = %q, %v", tag, id, msg, err)
			}
		}
	}
}

func TestPolicyWordsOnThePage(t *testing.T) {
	d := refusedPage(t)
	tests := []struct {
		lang language.Tag
		want []string
	}{
		{language.English, []string{
			"<li>Between 8 and 256 characters.</li>",
			"<li>At least 3 of: capital letters, small letters, numbers, symbols.</li>",
			"<li>Your password must have at least 8 characters.</li>",
			"<li>Your password must not contain your name, your user name or the name of your organisation.</li>",
		}},
		{language.French, []string{
			"<li>Entre 8 et 256 caractères.</li>",
			"<li>Votre mot de passe doit comporter au moins 8 caractères.</li>",
		}},
	}
	for _, tt := range tests {
		got := renderData(t, testSet(t, ""), "reset_password", tt.lang, d)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s page lacks %q", tt.lang, w)
			}
		}
	}
}

// An operator's catalog rewords the policy's rules and reasons on the page.
func TestOverridePolicyWording(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"locales/en.toml": "[policy.rule]\nlength = \"From {{.Min}} to {{.Max}} keystrokes.\"\n" +
			"[policy.reason]\ncontext = \"Leave your own name out of it.\"\n",
	})
	s, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	d := refusedPage(t)
	en := renderData(t, s, "reset_password", language.English, d)
	for _, w := range []string{"<li>From 8 to 256 keystrokes.</li>", "<li>Leave your own name out of it.</li>", "<li>Your password must have at least 8 characters.</li>"} {
		if !strings.Contains(en, w) {
			t.Errorf("the page lacks %q:\n%s", w, en)
		}
	}
	if strings.Contains(en, "Between 8 and 256 characters.") {
		t.Error("the embedded wording of the length rule is still shown")
	}
	if fr := renderData(t, s, "reset_password", language.French, d); !strings.Contains(fr, "<li>Entre 8 et 256 caractères.</li>") {
		t.Error("overriding English changed the French page")
	}
}

func renderData(t testing.TB, s *Set, page string, lang language.Tag, data any) string {
	t.Helper()
	var b strings.Builder
	if err := s.Render(&b, page, View{Lang: lang, RequestID: "rid", CSRFToken: "TOKEN", Data: data}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
