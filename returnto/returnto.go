package returnto

import (
	"net/url"
	"strings"
)

// MaxLen bounds a return-to value (a SAML AuthState can be long, not endless).
const MaxLen = 4096

// Validate returns raw as a same-origin path with its query, or ok false.
// It refuses anything a browser could resolve to another origin: absolute and
// scheme-relative URLs, backslashes, user info, control characters and
// whitespace, and encoded or doubly encoded slashes at the start. Paths under
// frontdoor's own prefix are refused too, so a flow never returns into itself.
func Validate(raw, ownPrefix string) (string, bool) {
	if raw == "" || len(raw) > MaxLen || !strings.HasPrefix(raw, "/") {
		return "", false
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return "", false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	// Decode repeatedly: a server or browser that decodes once more must not
	// find "//" or "/\" at the start either.
	p := u.EscapedPath()
	for range 3 {
		if strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
			return "", false
		}
		d, err := url.PathUnescape(p)
		if err != nil {
			return "", false
		}
		if d == p {
			break
		}
		p = d
	}
	if strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.HasPrefix(p, "/%") {
		return "", false
	}
	for _, c := range p {
		if c <= ' ' || c == 0x7f {
			return "", false
		}
	}
	if ownPrefix != "" && (strings.HasPrefix(u.Path, ownPrefix) || u.Path+"/" == ownPrefix) {
		return "", false
	}
	u.Fragment, u.RawFragment = "", ""
	return u.RequestURI(), true
}

// Absolute returns the URL of path on the public origin.
func Absolute(publicURL, path string) string {
	return strings.TrimSuffix(publicURL, "/") + path
}
