package templates

import (
	"strings"
	"testing"
)

// TestRegisterChangedEmails renders every change notice of the Security
// info page in every language: their message IDs are built at run time,
// so the templates' own check cannot see them.
func TestRegisterChangedEmails(t *testing.T) {
	s := testSet(t, "Example Corp")
	for _, lang := range s.Languages() {
		for _, what := range []string{"email", "mobile", "office"} {
			for _, action := range []string{"added", "replaced", "removed"} {
				data := struct{ Login, What, Action, Masked, Time string }{"alice", what, action, "al***@home.test", "2026-11-29 17:22 UTC"}
				subject, text, html, err := s.RenderEmail("register_changed", lang, data)
				if err != nil {
					t.Fatalf("%s %s_%s: %v", lang, what, action, err)
				}
				for _, body := range []string{text, html} {
					if !strings.Contains(body, "al***@home.test") || !strings.Contains(body, "alice") || strings.Contains(body, "{{") {
						t.Errorf("%s %s_%s: the notice does not name the masked value and the account:\n%s", lang, what, action, body)
					}
				}
				if subject == "" {
					t.Errorf("%s: no subject", lang)
				}
			}
		}
		_, text, _, err := s.RenderEmail("register_code", lang, struct {
			Code    string
			Minutes int
		}{"12345678", 10})
		if err != nil || !strings.Contains(text, "12345678") {
			t.Errorf("%s register_code: %v\n%s", lang, err, text)
		}
	}
}

// TestRegisterChangedMethodEmails renders the notices of the methods'
// registrations (What is the method's name; no value is shown).
func TestRegisterChangedMethodEmails(t *testing.T) {
	s := testSet(t, "Example Corp")
	for _, lang := range s.Languages() {
		for _, what := range []string{"security_questions", "app_code", "passkey", "app_notification"} {
			for _, action := range []string{"registered", "replaced", "removed"} {
				data := struct{ Login, What, Action, Masked, Time string }{"alice", what, action, "", "2026-11-29 17:22 UTC"}
				_, text, html, err := s.RenderEmail("register_changed", lang, data)
				if err != nil {
					t.Fatalf("%s %s_%s: %v", lang, what, action, err)
				}
				for _, body := range []string{text, html} {
					if !strings.Contains(body, "alice") || !strings.Contains(body, "2026-11-29 17:22 UTC") || strings.Contains(body, "{{") {
						t.Errorf("%s %s_%s: the notice does not name the account and the time:\n%s", lang, what, action, body)
					}
				}
			}
		}
	}
}
