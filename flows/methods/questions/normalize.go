package questions

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Lengths of an answer, in characters after normalisation.
const (
	MinAnswer = 3
	MaxAnswer = 40
)

var fold = cases.Fold()

// Normalize returns the form of an answer that is hashed: compatibility
// composition (NFKC: fullwidth letters, ligatures and odd spaces become
// their plain forms), Unicode case folding, and runs of white space
// collapsed to one space, none at either end. "  Rue  de la PAIX " and
// "rue de la paix" are the same answer.
func Normalize(s string) string {
	if len(s) > 4*MaxAnswer*utf8.UTFMax {
		s = s[:4*MaxAnswer*utf8.UTFMax] // bound the work; such an answer is refused anyway
	}
	s = norm.NFKC.String(s)
	s = fold.String(s)
	s = norm.NFKC.String(s) // folding may leave a form NFKC would change
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// validAnswer tells whether a normalised answer may be registered.
func validAnswer(a string) bool {
	n := utf8.RuneCountInString(a)
	if n < MinAnswer || n > MaxAnswer || !utf8.ValidString(a) {
		return false
	}
	return strings.IndexFunc(a, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }) < 0
}
