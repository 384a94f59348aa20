package policy

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/policy/internal/zxtables"
	"github.com/trustelem/zxcvbn/frequency"
)

// The global list must refuse what attackers try first and leave alone what
// a person with a password manager or a few unrelated words would choose.
func TestGlobalListQuality(t *testing.T) {
	zxtables.Load() // puts frequency.FrequencyLists back (see zxtables)
	p := mustNew(t, config.PasswordPolicy{MinLength: 1, MinClasses: 1}, "")
	rng := rand.New(rand.NewPCG(2026, 5))
	refused := func(pws []string) float64 {
		n := 0
		for _, pw := range pws {
			r, err := p.Check(context.Background(), pw, Context{})
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK {
				n++
			}
		}
		return float64(n) / float64(len(pws))
	}

	// Attackers' first guesses: the 1,000 most common passwords of 8
	// characters or more, disguised the usual ways.
	var disguised []string
	for _, pw := range frequency.FrequencyLists["passwords"] {
		if len(pw) < 8 {
			continue
		}
		runes := []rune(pw)
		i := rng.IntN(len(runes))
		switch len(disguised) % 4 {
		case 0: // capitalised, a digit and a symbol added
			disguised = append(disguised, strings.ToUpper(pw[:1])+pw[1:]+"1!")
		case 1: // look-alikes
			disguised = append(disguised, strings.NewReplacer("a", "@", "o", "0", "s", "$", "e", "3").Replace(pw))
		case 2: // one character changed
			runes[i] = 'x'
			disguised = append(disguised, string(runes))
		case 3: // one character inserted
			disguised = append(disguised, string(runes[:i])+"#"+string(runes[i:]))
		}
		if len(disguised) == 1000 {
			break
		}
	}
	got := refused(disguised)
	t.Logf("disguised common passwords refused: %.1f%%", 100*got)
	if got < 0.99 {
		t.Errorf("%.1f%% of disguised common passwords refused, want 99%% or more", 100*got)
	}

	// Random strings of 10 characters and three unrelated dictionary words.
	var random, phrases []string
	words := frequency.FrequencyLists["english_wikipedia"][2000:20000]
	for range 1000 {
		b := make([]byte, 10)
		for j := range b {
			b[j] = byte('!' + rng.IntN(94))
		}
		random = append(random, string(b))
		phrases = append(phrases, fmt.Sprintf("%s-%s-%s", words[rng.IntN(len(words))], words[rng.IntN(len(words))], words[rng.IntN(len(words))]))
	}
	gotRandom, gotPhrases := refused(random), refused(phrases)
	t.Logf("refused: random strings %.1f%%, three-word phrases %.1f%%", 100*gotRandom, 100*gotPhrases)
	if got := gotRandom; got > 0.01 {
		t.Errorf("%.1f%% of random 10-character strings refused, want 1%% or less", 100*got)
	}
	if got := gotPhrases; got > 0.01 {
		t.Errorf("%.1f%% of three-word phrases refused, want 1%% or less", 100*got)
	}
}
