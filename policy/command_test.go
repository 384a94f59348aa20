package policy

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"golang.org/x/text/language"
)

// catalogue returns the pages' message catalogue bound to lang, as the
// check-password command uses it.
func catalogue(t *testing.T, lang string) Say {
	t.Helper()
	pages, err := templates.New(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tag := language.Make(lang)
	return func(id string, args ...any) (string, error) { return pages.Message(tag, id, args...) }
}

func TestCheckCommand(t *testing.T) {
	p := mustNew(t, config.PasswordPolicy{BannedTerms: []string{"frontdoor"}}, "Example")
	tests := []struct {
		name     string
		in       string
		user     Context
		lang     string
		accepted bool
		want     []string // lines the output must contain
		wantErr  error
	}{
		{"accepted", "Kv93!xTrq#pl\n", Context{}, "en", true, []string{"accepted\n", "score: 12 (5 needed)"}, nil},
		{"CRLF and no other trimming", " Kv93!xTrq#pl \r\n", Context{}, "en", true, []string{"accepted\n", "score: 14"}, nil},
		{"no final newline", "Kv93!xTrq#pl", Context{}, "en", true, []string{"accepted\n"}, nil},
		{"only the first line", "Kv93!xTrq#pl\nsecond line\n", Context{}, "en", true, []string{"score: 12"}, nil},
		{"common password", "P@ssw0rd2026\n", Context{}, "en", false, []string{
			"refused\n", "  banned: Your password has a word, phrase, or pattern that makes your password easily guessable. Try again using a stronger password.", "terms found: "}, nil},
		{"organisation's term", "Fr0ntd00r!Xy\n", Context{}, "en", false, []string{"refused\n", "frontdoor"}, nil},
		{"user's name, in French", "Kv93!JaneDoe\n", Context{GivenName: "Jane", Surname: "Doe"}, "fr", false, []string{
			"refused\n", "  context: Votre mot de passe ne doit contenir ni votre nom"}, nil},
		{"short", "Kv9!\n", Context{}, "en", false, []string{"  too_short: Your password must have at least 8 characters."}, nil},
		{"short, in French", "Kv9!\n", Context{}, "fr-CA", false, []string{"  too_short: Votre mot de passe doit comporter au moins 8 caractères."}, nil},
		{"bidi override", "Kv93!x\u202eTrq#pl\n", Context{}, "en", false, []string{"  control: Your password contains invisible or control characters"}, nil},
		{"empty", "\n", Context{}, "en", false, nil, ErrNoPassword},
		{"nothing", "", Context{}, "en", false, nil, ErrNoPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			accepted, err := CheckCommand(context.Background(), strings.NewReader(tt.in), &out, p, tt.user, catalogue(t, tt.lang))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if accepted != tt.accepted {
				t.Errorf("accepted %v, want %v; output:\n%s", accepted, tt.accepted, out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if pw := strings.TrimSpace(tt.in); len(pw) > 0 && strings.Contains(out.String(), pw) {
				t.Errorf("output repeats the password:\n%s", out.String())
			}
		})
	}
}
