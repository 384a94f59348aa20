package templates

import (
	"bytes"
	"html"
	"strings"
	"testing"
)

// challengePage stands for the gate's VerifyPage (flows/gate), whose fields
// the challenge partial reads.
type challengePage struct {
	Form      Form
	Method    string
	Kind      string
	Hint      string
	Resend    string
	Challenge any
	// Ask is set on an Asker's question (the full phone number).
	Ask string
	// TriesLeft and Back as the gate sets them.
	TriesLeft int
	Back      string
}

type question struct{ MessageID, Text string }

// Every challenge kind renders in every shipped language, on both verify
// pages, with its own title and the parts its method needs.
func TestChallengeKinds(t *testing.T) {
	s := testSet(t, "Example Corp")
	form := Form{Action: "reset/verify", Submit: "reset.verify.submit", Error: "reset.error.code",
		Fields: []Field{{Name: "code", Label: "reset.verify.code", Required: true}}}
	cases := []struct {
		kind, method string
		challenge    any
		title        string
		want         []string
	}{
		{"code", "email", nil, "reset.verify.title", []string{`name="code"`, `action="/.frontdoor/reset/resend"`}},
		{"code", "app_code", nil, "reset.verify.title", []string{`name="code"`}},
		{"questions", "security_questions", struct{ Questions []question }{[]question{{MessageID: "question.q07"}, {Text: "Our <first> office?"}}},
			"reset.verify.questions_title", []string{`name="answer0"`, `name="answer1"`, "Our &lt;first&gt; office?", `autocomplete="off"`}},
		{"approval", "app_notification", struct{ Number int }{42}, "reset.verify.approval_title", []string{`<p class="match-number">42</p>`}},
		{"passkey", "passkey", struct{ Options string }{`{"publicKey":{"challenge":"x"}}`}, "reset.verify.passkey_title",
			[]string{`data-passkey-get="{&#34;publicKey&#34;:{&#34;challenge&#34;:&#34;x&#34;}}"`, `<script src="/.frontdoor/static/passkey.`, `name="credential"`}},
	}
	for _, page := range []string{"reset_verify", "unlock_verify"} {
		for _, c := range cases {
			for _, lang := range shipped {
				var buf bytes.Buffer
				data := challengePage{Form: form, Method: c.method, Kind: c.kind, Resend: "reset/resend", Challenge: c.challenge}
				if err := s.Render(&buf, page, View{Lang: lang, CSRFToken: "tok", Data: data}); err != nil {
					t.Fatalf("%s %s %s: %v", page, c.method, lang, err)
				}
				out := buf.String()
				title, _ := s.Message(lang, c.title)
				if !strings.Contains(out, "<title>"+html.EscapeString(title)) {
					t.Errorf("%s %s %s: the title is not %q", page, c.method, lang, title)
				}
				for _, w := range c.want {
					if !strings.Contains(out, w) {
						t.Errorf("%s %s %s: no %s in the page", page, c.method, lang, w)
					}
				}
				if c.kind == "questions" {
					q, _ := s.Message(lang, "question.q07")
					if !strings.Contains(out, html.EscapeString(q)) {
						t.Errorf("%s: question q07 is not shown as %q", lang, q)
					}
				}
				if c.method == "app_code" && strings.Contains(out, "reset/resend") {
					t.Errorf("%s: the app code page offers to send a code", lang)
				}
				if c.kind != "passkey" && strings.Contains(out, "<script") {
					t.Errorf("%s %s: a script on a page without passkeys", c.method, lang)
				}
			}
		}
	}
}
