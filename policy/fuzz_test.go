package policy

import (
	"context"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/policy/internal/fold"
)

// naiveScore is score with every term compared at every place: slow and
// plainly right, to hold the index to.
func naiveScore(p []rune, terms [][]rune) int {
	n := len(p)
	best := make([]int, n+1)
	for j := 1; j <= n; j++ {
		best[j] = best[j-1] + 1
		for i := max(0, j-MaxTermLength-1); i <= j-minMatch; i++ {
			for _, t := range terms {
				if nearTerm(p[i:j], t) && best[i]+1 < best[j] {
					best[j] = best[i] + 1
				}
			}
		}
	}
	return best[n]
}

var fuzzTerms = []string{"password", "dragon", "monkey", "abcd", "aaaa", "qwerty", "letmein", "sixteencharacter", "été2026", "ab12"}

// wideTerms need an index of runes: their characters do not fit a byte.
var wideTerms = []string{"пароль", "密码密码", "ключключ"}

func FuzzScore(f *testing.F) {
	for _, s := range []string{"P@ssw0rd", "dragonmonkey", "aaaaaaaaaa", "qwertyy", "lettmein", "xpasswordx", "ete2o26", "été2026été", "ab12ab12", "мойпароль", "密码码密码", "ключклюк"} {
		f.Add(s)
	}
	type list struct {
		ix    *index
		terms [][]rune
	}
	var lists []list
	for _, terms := range [][]string{fuzzTerms, slices.Concat(wideTerms, fuzzTerms)} {
		folded := foldTerms(terms)
		ix, err := newIndex(folded)
		if err != nil {
			f.Fatal(err)
		}
		l := list{ix: ix}
		for _, t := range folded {
			l.terms = append(l.terms, []rune(t))
		}
		lists = append(lists, l)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		p := []rune(fold.Fold(pw))
		if len(p) > 64 {
			p = p[:64]
		}
		for _, l := range lists {
			got, found := score(p, l.ix)
			if want := naiveScore(p, l.terms); got != want {
				t.Errorf("score(%q) = %d, naive %d", string(p), got, want)
			}
			if got > len(p) || len(found) > got {
				t.Errorf("score(%q) = %d with terms %q", string(p), got, found)
			}
		}
	})
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"Password1!", "Kv93!xTrq#pl", "e\u0301\u0301\u0301\u0301", "\xff\xfe", "🔑🔑🔑🔑🔑🔑🔑🔑", "ﬁﬁﬁﬁﬁﬁﬁﬁ"} {
		f.Add(s)
	}
	p, err := New(config.PasswordPolicy{BannedTerms: fuzzTerms}, "Example")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		r, err := p.Check(context.Background(), pw, benchUser)
		if err != nil {
			t.Fatal(err)
		}
		if r.OK != (len(r.Reasons) == 0) {
			t.Errorf("Check(%q): OK %v with reasons %v", pw, r.OK, r.Reasons)
		}
		if r.OK && (!utf8.ValidString(pw) || fold.Length(pw) < 8 || fold.Length(pw) > 256 || r.Score < PassScore) {
			t.Errorf("Check(%q) accepted: %+v", pw, r)
		}
	})
}
