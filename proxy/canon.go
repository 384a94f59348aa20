package proxy

import (
	"strings"
	"unicode/utf8"
)

// Sign-in services route paths leniently: IIS and Express ignore case, Spring
// and nginx merge slashes, Tomcat drops ";params" (also in "..;"), IIS drops
// trailing dots and spaces and takes "\" for "/", some decode twice. A path
// that frontdoor takes over must therefore be recognised in every spelling an
// upstream could read as it; otherwise "/Forgot-Password" would reach the
// upstream's own reset page. frontdoor does not rewrite what it forwards
// (upstreams that use ";jsessionid" or "%2F" keep working); it matches its
// prefix and intercepts on canonical forms of the path, which only ever
// widens what it answers itself.

// maxDecodeRounds bounds repeated percent-decoding ("%252f" is "%2f" once).
const maxDecodeRounds = 3

// canonicalSegments returns the path's segments as the most lenient upstream
// would route it: percent-decoded (repeatedly), "\" taken as "/", ";params"
// and anything after a NUL cut, empty and "." segments dropped, ".." resolved, trailing dots and
// spaces trimmed. With splitEncoded false, the path is split at its literal
// slashes before decoding, so that "%2F" stays inside a segment, as upstreams
// that decode after routing see it.
func canonicalSegments(escaped string, splitEncoded bool) []string {
	var raw []string
	if splitEncoded {
		raw = strings.Split(strings.ReplaceAll(decodeRepeatedly(escaped), `\`, "/"), "/")
	} else {
		raw = strings.Split(escaped, "/")
		for i, s := range raw {
			raw[i] = strings.ReplaceAll(decodeRepeatedly(s), "/", "%2f") // one segment still
		}
	}
	segs := make([]string, 0, len(raw))
	for _, s := range raw {
		s, _, _ = strings.Cut(s, ";")
		s, _, _ = strings.Cut(s, "\x00") // C-based servers stop at a NUL
		switch strings.TrimRight(s, " ") {
		case "", ".":
			continue
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
			continue
		}
		if s = strings.TrimRight(s, ". "); s != "" { // Windows drops trailing dots and spaces
			segs = append(segs, s)
		}
	}
	return segs
}

// routeKey joins canonical segments into the form matched against the
// canonical patterns: "/a/b", "/" for none, case folded.
func routeKey(segs []string) string {
	return foldCase("/" + strings.Join(segs, "/"))
}

// foldCase folds case the way the most lenient upstream compares paths
// (upper then lower, so that for example "ſ" and "K" (Kelvin) fold too).
func foldCase(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return strings.ToLower(strings.ToUpper(s))
		}
	}
	return s
}

// decodeRepeatedly percent-decodes s until it no longer changes or
// maxDecodeRounds is reached; an invalid escape is left as it is.
func decodeRepeatedly(s string) string {
	for range maxDecodeRounds {
		if !strings.Contains(s, "%") {
			return s
		}
		d := decodeLenient(s)
		if d == s {
			return s
		}
		s = d
	}
	return s
}

func decodeLenient(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// canonicalPattern is a configured pattern in canonical form: its literal
// segments are canonicalised and case folded like request paths, a trailing
// "/" is dropped, and "*" and "{name}" keep their meaning.
func canonicalPattern(s string) pattern {
	star := strings.HasSuffix(s, "*")
	body := strings.TrimSuffix(s, "*")
	atBoundary := star && strings.HasSuffix(body, "/")
	var segs []string
	for _, seg := range strings.Split(body, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			segs = append(segs, seg)
			continue
		}
		segs = append(segs, canonicalSegments(seg, true)...)
	}
	c := routeKey(segs)
	switch {
	case atBoundary && c == "/":
		c += "*"
	case atBoundary:
		c += "/*"
	case star:
		c += "*"
	}
	return compilePattern(c)
}

// canonicalPatterns compiles a list of patterns in canonical form.
func canonicalPatterns(list []string) patterns {
	ps := make(patterns, len(list))
	for i, s := range list {
		ps[i] = canonicalPattern(s)
	}
	return ps
}

// matchKey tells whether a canonical route key matches one of ps; the key
// is also tried with the trailing slash that canonical forms drop, which
// only an exact or prefix pattern ending in that slash can add a match for.
func (ps patterns) matchKey(key string) bool {
	for _, p := range ps {
		if p.match(key) || p.segments == nil && isKeySlash(p.exact, key) {
			return true
		}
	}
	return false
}

// isKeySlash tells whether s is key+"/", without building it.
func isKeySlash(s, key string) bool {
	return len(s) == len(key)+1 && s[len(key)] == '/' && strings.HasPrefix(s, key)
}
