package proxy

import "strings"

// pattern matches a URL path: exact ("/login"), prefix ("/realms/*"), or with
// {name} segments that match one non-empty segment ("/realms/{realm}/login").
type pattern struct {
	segments []string // nil for an exact or prefix pattern
	exact    string
	prefix   bool
}

func compilePattern(s string) pattern {
	if strings.Contains(s, "{") {
		return pattern{segments: strings.Split(s, "/"), prefix: strings.HasSuffix(s, "/*")}
	}
	if p, ok := strings.CutSuffix(s, "*"); ok {
		return pattern{exact: p, prefix: true}
	}
	return pattern{exact: s}
}

func (p pattern) match(path string) bool {
	if p.segments == nil {
		if p.prefix {
			return strings.HasPrefix(path, p.exact)
		}
		return path == p.exact
	}
	segs := p.segments
	if p.prefix {
		segs = segs[:len(segs)-1]
	}
	rest := path // walked segment by segment, without allocating
	for i, s := range segs {
		got, after, more := strings.Cut(rest, "/")
		if !more && i < len(segs)-1 {
			return false // fewer segments than the pattern
		}
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			if got == "" {
				return false
			}
		} else if got != s {
			return false
		}
		if !more {
			return true
		}
		rest = after
	}
	return p.prefix // more segments than the pattern: only a prefix matches
}

type patterns []pattern

func compilePatterns(list []string) patterns {
	ps := make(patterns, len(list))
	for i, s := range list {
		ps[i] = compilePattern(s)
	}
	return ps
}

func (ps patterns) match(path string) bool {
	for _, p := range ps {
		if p.match(path) {
			return true
		}
	}
	return false
}
