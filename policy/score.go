package policy

// score covers the folded password p with banned terms found at edit
// distance 1 or less and returns the lowest score a cover reaches (each
// term used counts 1, each character outside the terms 1) and the terms of
// that cover. Taking the lowest score reads the rule the way an attacker
// would, and makes the result independent of the order terms are found in.
func score(p []rune, ixs ...*index) (int, []string) {
	n := len(p)
	type step struct {
		from int32 // where the last piece of the best cover starts
		term int32 // -1: a single character
		ix   int8
	}
	best := make([]int, n+1)
	back := make([]step, n+1)
	for j := 1; j <= n; j++ {
		best[j] = n + 1
	}
	var h hasher
	h.reset(p)
	for i := 0; i < n; i++ {
		// best[i] is final here: every piece ending at i starts before it.
		if best[i]+1 < best[i+1] {
			best[i+1] = best[i] + 1
			back[i+1] = step{from: int32(i), term: -1}
		}
		for j := i + minMatch; j <= n && j-i <= MaxTermLength+1; j++ {
			if best[i]+1 >= best[j] {
				continue // a term here cannot lower the score
			}
			for k, ix := range ixs {
				if ix == nil {
					continue
				}
				if id := ix.match(&h, p, i, j); id >= 0 {
					best[j] = best[i] + 1
					back[j] = step{from: int32(i), term: int32(id), ix: int8(k)}
					break
				}
			}
		}
	}
	var terms []string
	for j := n; j > 0; j = int(back[j].from) {
		if s := back[j]; s.term >= 0 {
			terms = append(terms, ixs[s.ix].term(int(s.term)))
		}
	}
	return best[n], terms
}
