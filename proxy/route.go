package proxy

import (
	"net/http"
	"strings"
)

// ownRequest returns the request for frontdoor's own handler when the path
// is under the prefix in any spelling (nil otherwise): as sent when it is
// literally under it, else with the path rewritten to its canonical form, so
// that "//.frontdoor/reset" or "/x/../.frontdoor/reset" never reach the
// upstream (nor carry frontdoor's cookies there).
func (p *Proxy) ownRequest(r *http.Request) *http.Request {
	if strings.HasPrefix(r.URL.Path, p.opt.Prefix) || isKeySlash(p.opt.Prefix, r.URL.Path) {
		return r
	}
	escaped := r.URL.EscapedPath()
	var segs []string
	key := escaped
	if !isCanonical(escaped) {
		segs = canonicalSegments(escaped, true)
		key = routeKey(segs)
	}
	if !strings.HasPrefix(key, p.prefixKey) && !isKeySlash(p.prefixKey, key) {
		return nil
	}
	if segs == nil {
		segs = canonicalSegments(escaped, true)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = p.opt.Prefix+strings.Join(segs[p.prefixDepth:], "/"), ""
	return r2
}

// interceptTarget returns the page under the prefix that answers an
// intercepted path, or "" when the path is not intercepted in any spelling.
// An encoded slash is read both ways: as a separator and inside a segment.
func (p *Proxy) interceptTarget(r *http.Request) string {
	if len(p.intercept) == 0 {
		return ""
	}
	escaped := r.URL.EscapedPath()
	key, key2 := escaped, escaped
	if !isCanonical(escaped) {
		key, key2 = routeKey(canonicalSegments(escaped, true)), routeKey(canonicalSegments(escaped, false))
	}
	for _, ic := range p.intercept {
		if ic.patterns.match(r.URL.Path) || ic.canonical.matchKey(key) || key2 != key && ic.canonical.matchKey(key2) {
			return ic.target
		}
	}
	return ""
}

// isCanonical tells whether an escaped path is already its own canonical
// route key, the usual case, which then costs no allocation: no escapes,
// parameters, backslashes, spaces, upper case or non-ASCII bytes, repeated
// slashes, dot segments, trailing dots or trailing slash.
func isCanonical(escaped string) bool {
	n := len(escaped)
	if n > 1 && escaped[n-1] == '/' {
		return false
	}
	for i := 0; i < n; i++ {
		switch c := escaped[i]; {
		case c == '%', c == ';', c == '\\', c == ' ', c >= 0x80, 'A' <= c && c <= 'Z':
			return false
		case c == '/' && i+1 < n && escaped[i+1] == '/':
			return false
		case c == '.' && (i+1 == n || escaped[i+1] == '/'):
			return false
		}
	}
	return true
}
