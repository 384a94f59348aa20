package templates

import (
	"golang.org/x/text/language"
)

// Message returns catalog message id in the supported language nearest to
// lang, for text frontdoor writes outside its own pages: the links it injects
// into the sign-in page, the verdict of the check-password command. Further
// arguments are name, value pairs the message may use, as for Page.T.
func (s *Set) Message(lang language.Tag, id string, args ...any) (string, error) {
	return s.message(s.cat.index(lang), id, args)
}

// Phrase is a message chosen outside the templates together with the values
// it takes, such as a password policy's rule or the reason a password was
// refused (policy.Rule, policy.Reason).
type Phrase interface {
	MessageID() string
	// Args are name, value pairs, as T takes them.
	Args() []any
}

// Say returns a phrase in the page's language: {{range .Rules}}{{$.Say .}}{{end}}.
func (p *Page) Say(ph Phrase) (string, error) {
	return p.T(ph.MessageID(), ph.Args()...)
}
