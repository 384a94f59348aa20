package policy

import (
	"strings"
	"testing"
)

var allReasons = []string{ReasonInvalid, ReasonControl, ReasonTooShort, ReasonTooLong, ReasonClasses, ReasonBanned, ReasonContext, ReasonBreached, ReasonWeak}

func TestMessages(t *testing.T) {
	for _, lang := range Languages {
		seen := map[string]string{}
		for _, code := range allReasons {
			m := Message(code, lang, 12)
			if m == "" || strings.Contains(m, "%") {
				t.Errorf("Message(%q, %q) = %q", code, lang, m)
			}
			if other, dup := seen[m]; dup {
				t.Errorf("%s: %q and %q say the same", lang, code, other)
			}
			seen[m] = code
		}
		for _, code := range []string{ReasonTooShort, ReasonTooLong, ReasonClasses} {
			if m := Message(code, lang, 12); !strings.Contains(m, "12") {
				t.Errorf("Message(%q, %q) = %q lacks the number", code, lang, m)
			}
		}
	}
	tests := []struct {
		code, lang, want string
	}{
		{ReasonBanned, "en", "Your password has a word, phrase, or pattern that makes your password easily guessable. Try again using a stronger password."},
		{ReasonBanned, "en-GB", GuessableMessage},
		{ReasonBanned, "de", GuessableMessage},
		{ReasonTooShort, "fr-CA", "Votre mot de passe doit comporter au moins 12 caractères."},
		{ReasonTooLong, "fr_FR", "Votre mot de passe ne peut pas dépasser 12 caractères."},
		{"no_such_code", "en", GuessableMessage},
	}
	for _, tt := range tests {
		if got := Message(tt.code, tt.lang, 12); got != tt.want {
			t.Errorf("Message(%q, %q) = %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}
	if got := (Reason{Code: ReasonClasses, N: 3}).Message("fr"); !strings.Contains(got, "au moins 3 de ces types") {
		t.Errorf("Reason.Message = %q", got)
	}
}
