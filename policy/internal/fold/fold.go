// Package fold turns a password or a banned term into the form the banned
// lists are matched in, and counts a password's length. The policy package
// and the generator of the global list share it, so terms and passwords are
// always folded the same way.
package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// leet maps the look-alike characters people put in place of letters.
// Digits with no agreed letter (2, 6, 9) stay as they are.
var leet = map[rune]rune{
	'0': 'o',
	'1': 'l',
	'3': 'e',
	'4': 'a',
	'5': 's',
	'7': 't',
	'8': 'b',
	'$': 's',
	'@': 'a',
	'!': 'i',
	'|': 'l',
	'+': 't',
	'€': 'e',
	'£': 'l',
}

// Length is the number of characters in s: Unicode code points after NFC
// normalisation, so "é" counts one whether it was typed precomposed or as "e"
// plus a combining accent. A combining mark with no precomposed form counts
// as a character of its own, as does each code point of an emoji sequence.
func Length(s string) int {
	n := 0
	for range norm.NFC.String(s) {
		n++
	}
	return n
}

//go:generate go run ../genlatin -o latin_table.go

// Fold returns s in matching form: compatibility forms unified and accents
// removed (NFKD, combining marks dropped), letters of other scripts that look
// like Latin ones read as those (Cyrillic "а" as a, Greek "Ο" as O: the table
// in latin_table.go, from Unicode's confusables data), lower case, and
// look-alike characters replaced by the letter they stand for (0->o, 1->l,
// 3->e, 4->a, 5->s, 7->t, 8->b, $->s, @->a, !->i, ...). Every other character
// is kept, so each character of the result stands for one character of the
// password, except the rare compatibility characters that stand for several
// (the ligature "ﬁ" folds to "fi").
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if r >= utf8.RuneSelf {
			if a, ok := latin[r]; ok {
				r = rune(a)
			}
		}
		if l, ok := leet[r]; ok {
			r = l
		} else {
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
