package proxy

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzCanonicalPath holds the canonical forms to their promises: no empty,
// dot, parameter or NUL-cut segment survives, no trailing dot or space, no
// separator inside a segment once encoded slashes count as separators; and
// the allocation-free shortcut (isCanonical) agrees with the full work.
func FuzzCanonicalPath(f *testing.F) {
	for _, s := range []string{"/forgot-password", "//a/../b;c/%2e%2e/", `/a\b`, "/%252f", "/A./b%20", "/.frontdoor/x", "/a/..;/b", "/%00x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		u, err := url.ParseRequestURI(target)
		if err != nil || !strings.HasPrefix(target, "/") {
			return
		}
		escaped := u.EscapedPath()
		for _, split := range []bool{true, false} {
			segs := canonicalSegments(escaped, split)
			for _, s := range segs {
				if s == "" || s == "." || s == ".." || strings.ContainsAny(s, ";\x00") ||
					strings.HasSuffix(s, ".") || strings.HasSuffix(s, " ") || split && strings.ContainsAny(s, `/\`) {
					t.Fatalf("%q (split %v): segment %q in %q", escaped, split, s, segs)
				}
			}
			if key := routeKey(segs); isCanonical(escaped) && key != escaped {
				t.Fatalf("%q is taken as canonical, but its key is %q", escaped, key)
			}
		}
	})
}

func TestPatternSegments(t *testing.T) {
	for _, tt := range []struct {
		pattern, path string
		want          bool
	}{
		{"/realms/{realm}/login", "/realms/acme/login", true},
		{"/realms/{realm}/login", "/realms//login", false},
		{"/realms/{realm}/login", "/realms/acme/login/", false},
		{"/realms/{realm}/login", "/realms/acme", false},
		{"/realms/{realm}/login", "/realms/acme/login/x", false},
		{"/realms/{realm}/*", "/realms/acme", true},
		{"/realms/{realm}/*", "/realms/acme/x/y", true},
		{"/realms/{realm}/*", "/realms", false},
		{"/realms/{realm}/*", "/realms/", false},
		{"/a/{x}", "/a/b", true},
		{"/a/{x}", "/b/b", false},
	} {
		if got := compilePattern(tt.pattern).match(tt.path); got != tt.want {
			t.Errorf("%s matches %s: %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}
