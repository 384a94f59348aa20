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

// route decides where a request that is not under the prefix goes: to the
// page under the prefix that answers an intercepted path (target), to a
// refusal, saying why (closed: a path blocked in some spelling, or allowed
// not in every one), or, both "", upstream. The path's route keys are made
// once, for all three; an encoded slash is read both ways, as a separator
// and inside a segment.
func (p *Proxy) route(r *http.Request) (target, closed string) {
	if len(p.intercept) == 0 && p.block == nil && p.allow == nil {
		return "", ""
	}
	key, key2 := routeKeys(r)
	for _, ic := range p.intercept {
		if ic.matchAny(r.URL.Path, key, key2) {
			return ic.target, ""
		}
	}
	switch {
	case p.block != nil && p.block.matchAny(r.URL.Path, key, key2):
		return "", "path blocked (upstream.block_paths)"
	case p.allow != nil && !p.allow.matchAll(r.URL.Path, key, key2):
		return "", "path not allowed (upstream.allow_paths)"
	}
	return "", ""
}

// routeKeys returns the canonical route keys of the request's path: the
// escaped path itself when it is canonical (no allocation), else its forms
// with an encoded slash read as a separator and inside a segment.
func routeKeys(r *http.Request) (key, key2 string) {
	escaped := r.URL.EscapedPath()
	if isCanonical(escaped) {
		return escaped, escaped
	}
	return routeKey(canonicalSegments(escaped, true)), routeKey(canonicalSegments(escaped, false))
}

// matchAny tells whether the path, as decoded or in either canonical form,
// matches one of ic's patterns.
func (ic interception) matchAny(path, key, key2 string) bool {
	return ic.patterns.match(path) || ic.canonical.matchKey(key) || key2 != key && ic.canonical.matchKey(key2)
}

// matchAll tells whether the path matches ic's patterns as decoded and in
// both canonical forms: an allowed path must be allowed however the
// upstream reads it.
func (ic interception) matchAll(path, key, key2 string) bool {
	return ic.patterns.match(path) && ic.canonical.matchKey(key) && ic.canonical.matchKey(key2)
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
