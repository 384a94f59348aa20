package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/frontdoor-sspr/frontdoor/policy/internal/fold"
)

// Context is what is known about the user whose password is checked. The
// password must not contain any of these names (folded, as substrings).
type Context struct {
	Username    string
	GivenName   string
	Surname     string
	DisplayName string
	Email       string
}

// Shortest context words: a personal name of 3 letters ("Pol") is still
// checked; an organisation name is checked word by word from 4 letters, so
// "Acme Ltd" bans "acme" and "acmeltd" but not every "ltd".
const (
	minPersonalWord = 3
	minOrgWord      = 4
)

// words returns the folded words of the user's names, username and e-mail
// local part.
func (c Context) words() []string {
	var ws []string
	add := func(s string, min int) {
		if f := fold.Fold(s); utf8.RuneCountInString(f) >= min {
			ws = append(ws, f)
		}
	}
	login := c.Username
	if i := strings.LastIndexAny(login, `\/`); i >= 0 {
		login = login[i+1:] // DOMAIN\user
	}
	login, _, _ = strings.Cut(login, "@")
	local, _, _ := strings.Cut(c.Email, "@")
	for _, s := range []string{login, local} {
		add(s, minPersonalWord)
		for _, p := range splitWords(s) {
			add(p, minPersonalWord)
		}
	}
	for _, s := range []string{c.GivenName, c.Surname, c.DisplayName} {
		for _, p := range splitWords(s) {
			add(p, minPersonalWord)
		}
	}
	return ws
}

// orgWords returns the folded words of the organisation's name and the whole
// name without spaces.
func orgWords(org string) []string {
	var ws []string
	parts := splitWords(org)
	for _, p := range parts {
		if f := fold.Fold(p); utf8.RuneCountInString(f) >= minOrgWord {
			ws = append(ws, f)
		}
	}
	if len(parts) > 1 {
		ws = append(ws, fold.Fold(strings.Join(parts, "")))
	}
	return ws
}

// splitWords cuts s at every character that is not a letter or a digit.
func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}
