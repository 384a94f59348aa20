package templates

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// Product is the product name shown on every page and email unless
// Options.Product names it otherwise.
const Product = "frontdoor"

// CSRFField is the name of the hidden form field that carries the CSRF token.
const CSRFField = "csrf_token"

// Options configures a Set.
type Options struct {
	// Dir is the operator's override directory; empty means embedded files only.
	Dir string
	// Organization is shown beside the product name when set.
	Organization string
	// Product is the name users see for the service (product_name); Product
	// when empty.
	Product string
	// Prefix is where frontdoor's own pages live; "/.frontdoor/" when empty.
	Prefix string
}

// Set holds the parsed pages, emails, catalogs and static files.
type Set struct {
	opt    Options
	cat    *catalog
	pages  map[string]*htmltemplate.Template
	emails map[string]email
	static *static
	// plain keeps, by language, the messages asked for without arguments
	// (see message).
	plain []sync.Map
	// names are the languages' own names (message layout.language_name),
	// by index in the catalog, for the language switcher of every page:
	// made at start, so that showing them builds no language.
	names []string
}

// New loads the embedded files, replaced file by file by those in opt.Dir,
// and checks them all: a template that does not parse, asks for a message no
// catalog has, or fails to render, is reported with the file it came from.
func New(opt Options) (*Set, error) {
	base, err := fs.Sub(embedded, "files")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return newSet(base, opt)
}

func newSet(base fs.FS, opt Options) (*Set, error) {
	if opt.Prefix == "" {
		opt.Prefix = "/.frontdoor/"
	}
	if strings.TrimSpace(opt.Product) == "" {
		opt.Product = Product
	}
	if !strings.HasPrefix(opt.Prefix, "/") || !strings.HasSuffix(opt.Prefix, "/") {
		return nil, fmt.Errorf("templates: prefix %q must start and end with a slash", opt.Prefix)
	}
	src, err := loadSource(base, opt.Dir)
	if err != nil {
		return nil, err
	}
	s := &Set{opt: opt, pages: map[string]*htmltemplate.Template{}, emails: map[string]email{}}
	if s.cat, err = loadCatalog(src); err != nil {
		return nil, err
	}
	s.plain = make([]sync.Map, len(s.cat.tags))
	s.static = newStatic(src.under("static/"), opt.Prefix)
	if err := s.parsePages(src.under("pages/")); err != nil {
		return nil, err
	}
	if err := s.parseEmails(src.under("emails/")); err != nil {
		return nil, err
	}
	if err := s.smokeTest(); err != nil {
		return nil, err
	}
	return s, nil
}

// parsePages parses each page together with the partials (files whose name
// starts with "_"); a page defines "title" and "content", the layout partial
// defines "layout", which is what is executed.
func (s *Set) parsePages(files []file) error {
	var pages, partials []file
	var partialCalls []calls
	for _, f := range files {
		if !strings.HasPrefix(path.Base(f.name), "_") {
			pages = append(pages, f)
			continue
		}
		c, err := callsOf(f.origin, f.data)
		if err != nil {
			return fmt.Errorf("templates: %w", err)
		}
		partials, partialCalls = append(partials, f), append(partialCalls, c)
	}
	if !slices.ContainsFunc(partialCalls, func(c calls) bool { _, ok := c["layout"]; return ok }) {
		return errors.New("templates: no partial under pages/ defines \"layout\"")
	}
	for _, f := range pages {
		c, err := callsOf(f.origin, f.data)
		if err != nil {
			return fmt.Errorf("templates: %w", err)
		}
		t := htmltemplate.New("")
		for _, p := range partialsFor(c, partials, partialCalls) {
			if _, err := t.New(p.origin).Parse(string(p.data)); err != nil {
				return fmt.Errorf("templates: %w", err)
			}
		}
		if _, err := t.New(f.origin).Parse(string(f.data)); err != nil {
			return fmt.Errorf("templates: %w", err)
		}
		for _, block := range []string{"title", "content"} {
			if t.Lookup(block) == nil {
				return fmt.Errorf("templates: %s: does not define %q", f.origin, block)
			}
		}
		if err := s.checkMessages(f.origin, t.Templates()); err != nil {
			return err
		}
		s.pages[strings.TrimSuffix(path.Base(f.name), ".html")] = t
	}
	return nil
}

// smokeTest renders every page in every language without data, so that a
// template calling a helper wrongly fails now rather than on a user's visit.
// It keeps each language's name for the switcher (names); a language other
// than English is then forgotten again, with the messages kept for it, until
// a request asks for it.
func (s *Set) smokeTest() error {
	s.names = make([]string, len(s.cat.tags))
	for i, tag := range s.cat.tags {
		for name := range s.pages {
			if err := s.Render(io.Discard, name, View{Lang: tag, RequestID: "0", CSRFToken: "0"}); err != nil {
				return err
			}
		}
		var err error
		if s.names[i], err = s.message(i, "layout.language_name", nil); err != nil {
			return err
		}
		if i > 0 {
			s.cat.langs[i].drop()
			s.plain[i].Clear()
		}
	}
	return nil
}

// Languages returns the languages that have a catalog, English first.
func (s *Set) Languages() []language.Tag {
	return append([]language.Tag(nil), s.cat.tags...)
}

// Negotiate returns the supported language that best fits an Accept-Language
// header value (q-values and regional variants honoured), or English.
func (s *Set) Negotiate(acceptLanguage string) language.Tag {
	return s.cat.tags[s.cat.negotiate(acceptLanguage)]
}

// NegotiateLocale returns the supported language nearest to the first
// non-empty POSIX locale given, such as "fr_FR.UTF-8" from LC_ALL,
// LC_MESSAGES or LANG, for commands run in a terminal; English for "C",
// "POSIX" or none.
func (s *Set) NegotiateLocale(locales ...string) language.Tag {
	for _, l := range locales {
		if l == "" {
			continue
		}
		l, _, _ = strings.Cut(l, ".") // the encoding
		l, _, _ = strings.Cut(l, "@") // the modifier
		return s.Negotiate(strings.ReplaceAll(l, "_", "-"))
	}
	return s.cat.tags[0]
}

// Has tells whether a page of that name exists.
func (s *Set) Has(page string) bool {
	_, ok := s.pages[page]
	return ok
}

// View is what a caller supplies to render a page.
type View struct {
	// Lang is the page's language; unsupported ones fall back to the nearest
	// supported language, then English.
	Lang language.Tag
	// RequestID is shown on error pages.
	RequestID string
	// CSRFToken goes into every form's hidden CSRFField.
	CSRFToken string
	// Data is the page's own data, such as a Form, Notice or ErrorInfo.
	Data any
	// Here is the address that shows this page again by GET, such as
	// "/.frontdoor/reset/step" or "?return_to=%2Flogin" (the request's own
	// query), for the language switcher's links; none are shown when empty.
	Here string
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render renders a page completely before writing any of it to w, so that a
// failure never leaves half a page behind.
func (s *Set) Render(w io.Writer, name string, v View) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("templates: no page named %q", name)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer func() {
		buf.Reset()
		bufPool.Put(buf)
	}()
	page := s.newPage(v)
	page.Name = name
	if err := t.ExecuteTemplate(buf, "layout", page); err != nil {
		return fmt.Errorf("templates: page %s: %w", name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
