package templates

import (
	"strings"
	"testing"
)

// methodPageCases are the Security info page's method sections and pages
// (flows/register's data, as maps).
var methodPageCases = []pageCase{
	{"register_methods", "register", "Acme", map[string]any{
		"Directory": []map[string]string{}, "Flash": "register.saved.app_code",
		"Methods": map[string]any{
			"Questions": map[string]any{"Count": 3, "Need": 3},
			"AppCode":   map[string]any{"On": true, "Since": "2026-11-29"},
			"AppNotify": map[string]any{"On": false},
			"Passkey":   map[string]any{"Count": 0},
		}}},
	{"register_questions", "register_questions", "Acme", map[string]any{
		"Choices": []map[string]string{{"ID": "q01", "MessageID": "question.q01"}, {"ID": "c0123456789ab", "Text": "Our first office?"}},
		"Rows": []map[string]any{{"N": 1, "Question": "q01", "Answer": "Lyon"}, {"N": 2, "Answer": "ab", "Error": "question.error.length"},
			{"N": 3}},
		"Error": "question.error.length"}},
	{"register_app_code", "register_app_code", "Acme", map[string]any{
		"QR": "data:image/png;base64,iVBORw0KGgo=", "Key": "ABCD EFGH IJKL MNOP",
		"Form": Form{Action: "register/app_code", Submit: "register.app_code.confirm", Fields: []Field{{Name: "code",
			Label: "register.app_code.code", Hint: "register.app_code.code_hint", Autocomplete: "one-time-code", Required: true}}}}},
	{"register_passkey", "register_passkey", "Acme", map[string]any{"Options": `{"publicKey":{}}`}},
	{"register_app_notification", "register_app_notification", "Acme", map[string]any{
		"Topic": "fd-abcdefghijklmnopqrstuvwxyz", "SubscribeURL": "https://ntfy.example.com/fd-abcdefghijklmnopqrstuvwxyz"}},
}

// TestRegisterMethodPages renders the methods' pages in every shipped
// language: accessible, every message found, no secret echoed where it
// should not be.
func TestRegisterMethodPages(t *testing.T) {
	for _, c := range methodPageCases {
		for _, lang := range shipped {
			t.Run(c.name+"."+lang.String(), func(t *testing.T) {
				page := renderCase(t, c, lang)
				for _, problem := range accessibilityProblems(t, page) {
					// The passkey page runs frontdoor's own script file (its
					// policy allows it; no inline script).
					if problem != "the page has a <script> element" || c.page != "register_passkey" {
						t.Error(problem)
					}
				}
				body := string(page)
				if strings.Contains(body, "<no value>") || strings.Contains(body, "{{") {
					t.Errorf("an unrendered value:\n%s", body)
				}
			})
		}
	}
	body := string(renderCase(t, methodPageCases[1], shipped[0]))
	for _, want := range []string{`value="Lyon"`, `value="q01" selected`, `id="f-answer2-error"`, "Our first office?"} {
		if !strings.Contains(body, want) {
			t.Errorf("the questions page lacks %s:\n%s", want, body)
		}
	}
}
