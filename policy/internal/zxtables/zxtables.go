// Package zxtables defers the dictionaries of github.com/trustelem/zxcvbn to
// their first use.
//
// zxcvbn's matching package builds its ranked dictionaries (about 10 MB of
// heap and 70 ms of CPU, `GODEBUG=inittrace=1`) in its package
// initialisation, from frequency.FrequencyLists, whether or not the strength
// estimate is ever used; frontdoor uses it only when policy.min_strength is
// on. This package is initialised after frequency and before matching: Go
// initialises, among the packages whose imports are all initialised, the
// first by import path (The Go Programming Language Specification, "Package
// initialization"), and this path sorts before github.com/trustelem/.... Its
// init sets frequency.FrequencyLists aside, so matching builds empty
// dictionaries; Load, called before the first estimate, builds them with
// matching's own function and puts them where matching reads them.
//
// Both matching symbols are reached with go:linkname (this package does not
// import matching, which would order its initialisation after it). They are
// unexported, so TestLoadMatchesEagerScores, on the pinned module version,
// checks that every score is what the eager tables give.
package zxtables

import (
	"sync"
	_ "unsafe" // go:linkname

	"github.com/trustelem/zxcvbn/frequency"
)

// held is frequency.FrequencyLists, set aside until Load.
var held map[string][]string

func init() {
	held = frequency.FrequencyLists
	frequency.FrequencyLists = map[string][]string{}
}

// dictionaries is matching.defaultRankedDictionnaries, a dictionaryMatch: a
// struct of one map from list name to ranked dictionary (word -> rank).
//
//go:linkname dictionaries github.com/trustelem/zxcvbn/matching.defaultRankedDictionnaries
var dictionaries struct {
	ranked map[string]map[string]int
}

// buildRankedDict is matching.buildRankedDict: each word of a list, lower
// case, to its rank from 1.
//
//go:linkname buildRankedDict github.com/trustelem/zxcvbn/matching.buildRankedDict
func buildRankedDict(list []string) map[string]int

var (
	once     sync.Once
	mu       sync.Mutex
	released bool
)

// Release lets the word lists go (1.5 MB of heap) for the rest of the
// process, unless Load has run; it reports whether they went. After it, Load
// panics: a process calls it once it knows that it will never estimate.
func Release() bool {
	mu.Lock()
	defer mu.Unlock()
	if len(dictionaries.ranked) > 0 {
		return false
	}
	released, held = true, nil
	return true
}

// Released tells whether Release let the word lists go.
func Released() bool {
	mu.Lock()
	defer mu.Unlock()
	return released
}

// Load builds zxcvbn's dictionaries, once; it must return before any zxcvbn
// estimate starts. It also puts frequency.FrequencyLists back.
func Load() {
	once.Do(func() {
		mu.Lock()
		defer mu.Unlock()
		if released {
			panic("zxtables: strength estimate after Release")
		}
		ranked := make(map[string]map[string]int, len(held))
		for name, list := range held {
			ranked[name] = buildRankedDict(list)
		}
		dictionaries.ranked = ranked
		frequency.FrequencyLists = held
	})
}

// Loaded tells whether Load has run (for tests: it does not synchronise).
func Loaded() bool { return len(dictionaries.ranked) > 0 }
