package policy

import (
	"slices"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/policy/internal/fold"
)

// TestIndexCharacters checks that terms are found within edit distance 1
// whether the index keeps its characters in bytes (every one below 256) or
// in runes (a term in another script).
func TestIndexCharacters(t *testing.T) {
	for _, tc := range []struct {
		name  string
		terms []string
		wide  bool
	}{
		// Folding strips the accents; "ß", "ø", "þ" and "§" stay, bytes of
		// 128 and more in the index (one byte each, not their UTF-8).
		{"latin-1", []string{"contraseña", "été2026", "password", "straße", "søster", "þorn§"}, false},
		{"any script", []string{"пароль", "密码密码", "contraseña", "été2026", "password", "straße"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			folded := foldTerms(tc.terms)
			ix, err := newIndex(folded)
			if err != nil {
				t.Fatal(err)
			}
			if got := ix.wide != nil; got != tc.wide {
				t.Fatalf("wide = %v, want %v", got, tc.wide)
			}
			if !tc.wide && !slices.ContainsFunc(ix.narrow, func(c byte) bool { return c >= 0x80 }) {
				t.Fatalf("no character of 128 or more in the index: %q", folded)
			}
			var terms [][]rune
			for id, term := range folded {
				terms = append(terms, []rune(term))
				if got := ix.term(id); got != term {
					t.Errorf("term(%d) = %q, want %q", id, got, term)
				}
			}
			for _, term := range terms {
				near := [][]rune{
					term,
					slices.Concat(term[:1], []rune("ж"), term[2:]), // one substituted
					slices.Concat(term[:1], term[2:]),              // one deleted
					slices.Concat(term[:2], []rune("ж"), term[2:]), // one inserted
					slices.Concat([]rune("1"), term, []rune("!")),  // surrounded
				}
				for _, p := range near {
					got, found := score(p, ix)
					if want := naiveScore(p, terms); got != want {
						t.Errorf("score(%q) = %d, naive %d", string(p), got, want)
					}
					if len(p) >= minMatch && !slices.Contains(found, string(term)) {
						t.Errorf("score(%q) found %q, want %q among them", string(p), found, string(term))
					}
				}
				far := slices.Concat(term[:1], []rune("жж"), term[3:]) // two substituted
				got, found := score(far, ix)
				if want := naiveScore(far, terms); got != want || slices.Contains(found, string(term)) {
					t.Errorf("score(%q) = %d with %q, want %d without %q", string(far), got, found, want, string(term))
				}
			}
			p := []rune(fold.Fold("Мой-Пароль-密码密码!"))
			if got, want := scoreOf(p, ix), naiveScore(p, terms); got != want {
				t.Errorf("score(%q) = %d, naive %d", string(p), got, want)
			}
		})
	}
}

func scoreOf(p []rune, ix *index) int {
	n, _ := score(p, ix)
	return n
}
