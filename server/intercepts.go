package server

import (
	"fmt"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// checkIntercepts refuses intercept patterns that could match the same path
// for two entries: which flow answered would depend on the table's order.
func checkIntercepts(ic config.Intercept) config.Problems {
	type entry struct{ path, pattern string }
	var all []entry
	for name, list := range map[string][]string{"reset": ic.Reset, "unlock": ic.Unlock, "helpdesk": ic.Helpdesk} {
		for i, p := range list {
			all = append(all, entry{fmt.Sprintf("upstream.intercept.%s[%d]", name, i), p})
		}
	}
	var ps config.Problems
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			a, b := all[i], all[j]
			if patternsOverlap(a.pattern, b.pattern) {
				first, second := a, b
				if second.path < first.path {
					first, second = second, first
				}
				ps = append(ps, config.Problem{Path: second.path,
					Message: fmt.Sprintf("%q overlaps %s (%q): one path would match both", second.pattern, first.path, first.pattern)})
			}
		}
	}
	return ps
}

// patternsOverlap tells whether some path matches both patterns. A pattern
// is an exact path, a prefix ending in "*", or has {name} segments that
// match any one segment.
func patternsOverlap(a, b string) bool {
	as, aPrefix := splitPattern(a)
	bs, bPrefix := splitPattern(b)
	n := min(len(as), len(bs))
	for i := 0; i < n; i++ {
		x, y := as[i], bs[i]
		last := i == n-1
		switch {
		case isParam(x) || isParam(y) || x == y:
		case last && aPrefix && len(as) == n && strings.HasPrefix(y, x):
		case last && bPrefix && len(bs) == n && strings.HasPrefix(x, y):
		default:
			return false
		}
	}
	switch {
	case len(as) == len(bs):
		return true
	case len(as) < len(bs):
		return aPrefix
	default:
		return bPrefix
	}
}

func splitPattern(p string) ([]string, bool) {
	p, prefix := strings.CutSuffix(p, "*")
	return strings.Split(strings.TrimPrefix(p, "/"), "/"), prefix
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }
