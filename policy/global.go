package policy

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

//go:generate go run ./internal/gen -o global_banned.txt

// globalList is the global banned list, folded, one term per line, written
// at build time by internal/gen from the common-password list that ships in
// the zxcvbn module.
//
//go:embed global_banned.txt
var globalList string

var global = sync.OnceValues(buildGlobal)

// buildGlobal builds the global list's index, with its table out of the Go
// heap (offHeapSlots).
func buildGlobal() (*index, error) {
	ix, err := newIndexIn(globalTerms(), offHeapSlots)
	if err != nil {
		return nil, fmt.Errorf("policy: global banned list: %w", err)
	}
	return ix, nil
}

// globalTerms returns the terms of the embedded list.
func globalTerms() []string {
	terms := make([]string, 0, strings.Count(globalList, "\n"))
	for line := range strings.Lines(globalList) {
		line = strings.TrimRight(line, "\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		terms = append(terms, line)
	}
	return terms
}

// GlobalTerms reports how many terms the global banned list holds.
func GlobalTerms() int { return len(globalTerms()) }
