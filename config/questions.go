package config

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SecurityQuestions configures the security_questions method (package
// flows/methods/questions). Every key has a default, so the section may be
// left out.
type SecurityQuestions struct {
	// Register is how many questions a user registers (3-5, default 3).
	Register int `yaml:"register"`
	// Answer is how many of them are asked at a reset, all on one page
	// (1 to Register, default Register).
	Answer int `yaml:"answer"`
	// BuiltIn offers the ~35 built-in questions, translated (default true).
	BuiltIn *bool `yaml:"built_in"`
	// Custom are the organisation's own questions (at most 20, each at most
	// 200 characters), shown as written in every language.
	Custom []string `yaml:"custom"`
	// Tries is how many wrong sets one challenge takes before a new one is
	// needed (default 3); each wrong set also counts as a failed gate.
	Tries int `yaml:"tries"`
	// HashesInFlight bounds the argon2id hashes computed at once across all
	// requests (each takes 19 MiB), so that a burst cannot exhaust memory
	// (default 4).
	HashesInFlight int `yaml:"hashes_in_flight"`
}

// Limits of the security questions.
const (
	QuestionsMinRegister = 3
	QuestionsMaxRegister = 5
	QuestionsMaxCustom   = 20
	QuestionMaxLen       = 200
)

// ApplyDefaults fills the unset keys of the section with their defaults.
func (q *SecurityQuestions) ApplyDefaults() {
	if q.Register == 0 {
		q.Register = 3
	}
	if q.Answer == 0 {
		q.Answer = q.Register
	}
	if q.BuiltIn == nil {
		q.BuiltIn = boolPtr(true)
	}
	if q.Tries == 0 {
		q.Tries = 3
	}
	if q.HashesInFlight == 0 {
		q.HashesInFlight = 4
	}
}

func (q *SecurityQuestions) validate(p *Problems) {
	const at = "security_questions."
	if q.Register < QuestionsMinRegister || q.Register > QuestionsMaxRegister {
		p.add(at+"register", "must be between %d and %d", QuestionsMinRegister, QuestionsMaxRegister)
	}
	if q.Answer < 1 || q.Answer > q.Register {
		p.add(at+"answer", "must be between 1 and register (%d)", q.Register)
	}
	if len(q.Custom) > QuestionsMaxCustom {
		p.add(at+"custom", "has %d questions, at most %d are allowed", len(q.Custom), QuestionsMaxCustom)
	}
	var seen []string
	for i, c := range q.Custom {
		key := idx(at+"custom", i)
		t := strings.TrimSpace(c)
		switch {
		case t == "":
			p.add(key, "is empty")
		case utf8.RuneCountInString(t) > QuestionMaxLen:
			p.add(key, "is longer than %d characters", QuestionMaxLen)
		case strings.IndexFunc(t, unicode.IsControl) >= 0:
			p.add(key, "contains a line break or another control character")
		case slices.Contains(seen, strings.ToLower(t)):
			p.add(key, "is listed twice")
		}
		seen = append(seen, strings.ToLower(t))
	}
	builtIn := q.BuiltIn == nil || *q.BuiltIn
	if !builtIn && len(q.Custom) < q.Register {
		p.add(at+"custom", "lists %d questions but users register %d and built_in is off", len(q.Custom), q.Register)
	}
	if q.Tries < 1 || q.Tries > 10 {
		p.add(at+"tries", "must be between 1 and 10")
	}
	if q.HashesInFlight < 1 || q.HashesInFlight > 64 {
		p.add(at+"hashes_in_flight", "must be between 1 and 64 (each hash takes 19 MiB)")
	}
}
