package server

import (
	"html"
	"net/http"
	"net/url"

	"golang.org/x/text/language"
)

// snippet is the HTML injected into sign-in pages: the links to frontdoor's
// flows, carrying the page to come back to. Plain links: the upstream's CSP
// needs no change. Everything but the page to come back to is made once per
// language (snippetFor): the snippet is made for every sign-in page served.
func (s *Server) snippet(r *http.Request, returnTo string) []byte {
	parts := s.snippetFor(s.templates.Negotiate(r.Header.Get("Accept-Language")))
	// QueryEscape leaves nothing that HTML escaping would change.
	q := "?return_to=" + url.QueryEscape(returnTo)
	n := len(parts.open) + len(parts.close)
	for _, l := range parts.links {
		n += len(l.href) + len(q) + len(l.text)
	}
	b := make([]byte, 0, n)
	b = append(b, parts.open...)
	for _, l := range parts.links {
		b = append(append(append(b, l.href...), q...), l.text...)
	}
	return append(b, parts.close...)
}

// snippetParts is the snippet of one language, around the page to come back
// to: each link is href, then the query, then text.
type snippetParts struct {
	open, close string
	links       []snippetLink
}

type snippetLink struct{ href, text string }

// snippetFor returns the parts of the snippet in lang, made on first use.
func (s *Server) snippetFor(lang language.Tag) *snippetParts {
	if p, ok := s.snippets.Load(lang); ok {
		return p.(*snippetParts)
	}
	p, _ := s.snippets.LoadOrStore(lang, s.makeSnippet(lang))
	return p.(*snippetParts)
}

func (s *Server) makeSnippet(lang language.Tag) *snippetParts {
	// The links' own language and direction: Arabic links read right to left
	// in a left-to-right sign-in page.
	p := &snippetParts{
		open:  `<p class="frontdoor-links" lang="` + html.EscapeString(lang.String()) + `" dir="` + s.templates.Dir(lang) + `">`,
		close: `</p>`,
	}
	sep := ""
	link := func(page, id string) {
		text, err := s.templates.Message(lang, id)
		if err != nil {
			s.log.Error("injected link text", "id", id, "err", err)
			return
		}
		p.links = append(p.links, snippetLink{
			href: sep + `<a class="frontdoor-link" href="` + html.EscapeString(s.cfg.Server.Prefix+page),
			text: `">` + html.EscapeString(text) + `</a>`,
		})
		sep = "<br>" // no styling of ours: the upstream's CSS and CSP stay as they are
	}
	link("reset", "inject.reset")
	if *s.cfg.Upstream.InjectUnlock && s.unlockAvailable() {
		link("unlock", "inject.unlock")
	}
	return p
}
