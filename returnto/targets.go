package returnto

import (
	"net/url"
	"strings"
)

// Targets decides where a flow's exits lead: back to the sign-in page the
// flow started from when that page can be shown again, else to the
// configured sign-in page (upstream.sign_in_url).
type Targets struct {
	// SignInURL is the fallback: a path on the public origin or an absolute
	// URL; "/" when empty.
	SignInURL string
	// Needs lists the sign-in pages that can be shown again only with some
	// of their query: SimpleSAMLphp's form without AuthState answers 400.
	Needs []Need
}

// Need is a page, by path (exact, or with {name} segments that match any
// one segment), and the query keys without which it cannot be shown again.
type Need struct {
	Path string
	Keys []string
}

// Keep validates raw (see Validate) and reports whether it is a page a user
// can be sent back to.
func (t Targets) Keep(raw, ownPrefix string) (string, bool) {
	rt, ok := Validate(raw, ownPrefix)
	if !ok || !t.usable(rt) {
		return "", false
	}
	return rt, true
}

func (t Targets) usable(rt string) bool {
	u, err := url.Parse(rt)
	if err != nil {
		return false
	}
	q := u.Query()
	for _, n := range t.Needs {
		if !pathMatches(n.Path, u.Path) {
			continue
		}
		for _, k := range n.Keys {
			if q.Get(k) == "" {
				return false
			}
		}
	}
	return true
}

// URL is where to send the user back to: returnTo (a path kept by Keep) on
// the public origin, or the fallback sign-in page when it is empty or
// cannot be shown again.
func (t Targets) URL(publicURL, returnTo string) string {
	if returnTo != "" && t.usable(returnTo) {
		return Absolute(publicURL, returnTo)
	}
	if u, err := url.Parse(t.SignInURL); err == nil && u.IsAbs() {
		return t.SignInURL
	}
	if t.SignInURL != "" {
		return Absolute(publicURL, t.SignInURL)
	}
	return Absolute(publicURL, "/")
}

// pathMatches matches path against pattern, whose {name} segments match any
// one non-empty segment.
func pathMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if p != xs[i] {
			return false
		}
	}
	return true
}
