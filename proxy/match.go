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
	got := strings.Split(path, "/")
	if len(got) < len(segs) || (!p.prefix && len(got) != len(segs)) {
		return false
	}
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			if got[i] == "" {
				return false
			}
			continue
		}
		if got[i] != s {
			return false
		}
	}
	return true
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
