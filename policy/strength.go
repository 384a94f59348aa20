package policy

import (
	"github.com/trustelem/zxcvbn"

	"github.com/frontdoor-sspr/frontdoor/policy/internal/zxtables"
)

// strengthLimit bounds the characters given to the strength estimate, whose
// cost grows quickly with length. A longer password is judged by its first
// strengthLimit characters: what follows can only make it stronger.
const strengthLimit = 64

// strength is the zxcvbn score (0 to 4) of pw, with the user's and the
// organisation's names as words the estimate knows.
func strength(pw string, u Context, org []string) int {
	if r := []rune(pw); len(r) > strengthLimit {
		pw = string(r[:strengthLimit])
	}
	zxtables.Load() // the dictionaries are built on first use (see zxtables)
	inputs := append(u.words(), org...)
	return zxcvbn.PasswordStrength(pw, inputs).Score
}

// ReleaseStrength frees, for the rest of the process, the word lists of the
// strength estimate (1.5 MB of heap), when no estimate has run: the binary
// calls it at start when password_policy.min_strength is off. A policy with
// min_strength made after it fails (New returns an error).
func ReleaseStrength() { zxtables.Release() }
