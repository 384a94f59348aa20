package templates

import "golang.org/x/text/language"

// Message returns catalog message id in the supported language nearest to
// lang, for text frontdoor writes outside its own pages (the links it injects
// into the sign-in page).
func (s *Set) Message(lang language.Tag, id string) (string, error) {
	return s.cat.localize(s.cat.index(lang), id, map[string]any{"Product": Product, "Organization": s.opt.Organization})
}
