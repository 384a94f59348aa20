package templates

import (
	"net/http"
	"net/url"

	"golang.org/x/text/language"
)

// The language switcher: plain links that add ?lang=xx to the page's
// address; the choice is then kept in a cookie under the prefix, so that
// the pages after it (and the emails the flow sends) stay in that language.
const (
	LangParam  = "lang"
	LangCookie = "frontdoor-lang"
	// langCookieAge is how long the choice is remembered, in seconds: a year.
	langCookieAge = 365 * 24 * 60 * 60
)

// Lang returns the language of the answer to r: the one chosen with ?lang=,
// else the one remembered in LangCookie, else the best fit for
// Accept-Language. A choice naming no supported language is ignored.
func (s *Set) Lang(r *http.Request) language.Tag {
	if i, ok := s.supported(r.URL.Query().Get(LangParam)); ok {
		return s.cat.tags[i]
	}
	if c, err := r.Cookie(LangCookie); err == nil {
		if i, ok := s.supported(c.Value); ok {
			return s.cat.tags[i]
		}
	}
	return s.Negotiate(r.Header.Get("Accept-Language"))
}

// LangCookie returns the cookie that remembers the language chosen with
// ?lang= on r, or nil when r chose none. The caller sets Secure as its other
// cookies.
func (s *Set) LangCookie(r *http.Request) *http.Cookie {
	i, ok := s.supported(r.URL.Query().Get(LangParam))
	if !ok {
		return nil
	}
	return &http.Cookie{Name: LangCookie, Value: s.cat.tags[i].String(), Path: s.opt.Prefix,
		MaxAge: langCookieAge, HttpOnly: true, SameSite: http.SameSiteLaxMode}
}

// supported returns the index of the language a ?lang= value or cookie
// names, such as "de" or "de-AT"; ok is false for an empty, malformed or
// unsupported one.
func (s *Set) supported(value string) (int, bool) {
	if value == "" || len(value) > 35 {
		return 0, false
	}
	tag, err := language.Parse(value)
	if err != nil {
		return 0, false
	}
	_, i, conf := s.cat.matcher.Match(tag)
	if conf < language.High {
		return 0, false
	}
	return i, true
}

// LanguageLink is one entry of the language switcher.
type LanguageLink struct {
	// Tag is the language's BCP 47 tag, for the lang and hreflang attributes.
	Tag string
	// Name is the language's name in that language ("Deutsch").
	Name string
	// Href is the page's address with ?lang= set.
	Href string
	// Current is the page's own language.
	Current bool
}

// Languages returns the language switcher's links, one per supported
// language, or none when the page has no address to come back to (see
// View.Here) or only one language is supported.
func (p *Page) Languages() []LanguageLink {
	if p.here == "" || len(p.set.cat.tags) < 2 {
		return nil
	}
	u, err := url.Parse(p.here)
	if err != nil {
		return nil // a page that cannot be addressed again has no switcher
	}
	links := make([]LanguageLink, 0, len(p.set.cat.tags))
	for i, tag := range p.set.cat.tags {
		q := u.Query()
		q.Set(LangParam, tag.String())
		v := *u
		v.RawQuery = q.Encode()
		links = append(links, LanguageLink{Tag: tag.String(), Name: p.set.names[i], Href: v.String(), Current: i == p.lang})
	}
	return links
}
