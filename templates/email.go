package templates

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"maps"
	"path"
	"slices"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
	"unicode"

	"golang.org/x/text/language"
)

// email is one message's two bodies. Each file defines "content"; the
// partials _layout.txt and _layout.html define "layout" around it.
type email struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// Mail is the value email templates execute with (their ".").
type Mail struct {
	Lang         string
	Dir          string
	Product      string
	Organization string
	// Subject is the rendered subject line, for the HTML title.
	Subject string
	// Data is the caller's data, such as a code and its lifetime.
	Data any

	set  *Set
	lang int
}

// T returns a message in the email's language, as Page.T does.
func (m *Mail) T(id string, args ...any) (string, error) { return m.set.message(m.lang, id, args) }

func (s *Set) parseEmails(files []file) error {
	textBase, htmlBase := texttemplate.New(""), htmltemplate.New("")
	var bodies []file
	for _, f := range files {
		base := path.Base(f.name)
		var err error
		switch {
		case !strings.HasPrefix(base, "_"):
			bodies = append(bodies, f)
		case path.Ext(base) == ".txt":
			_, err = textBase.New(f.origin).Parse(string(f.data))
		default:
			_, err = htmlBase.New(f.origin).Parse(string(f.data))
		}
		if err != nil {
			return fmt.Errorf("templates: %w", err)
		}
	}
	if textBase.Lookup("layout") == nil || htmlBase.Lookup("layout") == nil {
		return errors.New("templates: emails/_layout.txt and emails/_layout.html must define \"layout\"")
	}
	for _, f := range bodies {
		name, ext := strings.TrimSuffix(path.Base(f.name), path.Ext(f.name)), path.Ext(f.name)
		e := s.emails[name]
		var trees []*parse.Tree
		switch ext {
		case ".txt":
			t, err := textBase.Clone()
			if err == nil {
				_, err = t.New(f.origin).Parse(string(f.data))
			}
			if err != nil {
				return fmt.Errorf("templates: %w", err)
			}
			e.text = t
			for _, tt := range t.Templates() {
				trees = append(trees, tt.Tree)
			}
		case ".html":
			t, err := htmlBase.Clone()
			if err == nil {
				_, err = t.New(f.origin).Parse(string(f.data))
			}
			if err != nil {
				return fmt.Errorf("templates: %w", err)
			}
			e.html = t
			for _, tt := range t.Templates() {
				trees = append(trees, tt.Tree)
			}
		default:
			return fmt.Errorf("templates: %s: emails are .txt or .html files", f.origin)
		}
		if err := s.checkTrees(f.origin, trees); err != nil {
			return err
		}
		s.emails[name] = e
	}
	for name, e := range s.emails {
		if e.text == nil || e.html == nil {
			return fmt.Errorf("templates: email %q needs both emails/%s.txt and emails/%s.html", name, name, name)
		}
		if !s.cat.ids["email."+name+".subject"] {
			return fmt.Errorf("templates: email %q: the English catalog has no message \"email.%s.subject\"", name, name)
		}
	}
	return nil
}

// RenderEmail renders email name in the supported language nearest to lang.
// The subject is the catalog message "email.NAME.subject" (which may use the
// data's fields), with line breaks and other control characters replaced by
// spaces so that it is safe in a header.
func (s *Set) RenderEmail(name string, lang language.Tag, data any) (subject, text, html string, err error) {
	e, ok := s.emails[name]
	if !ok {
		return "", "", "", fmt.Errorf("templates: no email named %q", name)
	}
	m := &Mail{Product: s.opt.Product, Organization: s.opt.Organization, Data: data, set: s, lang: s.cat.index(lang)}
	tag := s.cat.tags[m.lang]
	m.Lang, m.Dir = tag.String(), direction(tag)
	subject, err = s.message(m.lang, "email."+name+".subject", []any{"Data", data})
	if err != nil {
		return "", "", "", fmt.Errorf("templates: email %s: %w", name, err)
	}
	m.Subject = headerSafe(subject)
	var tb, hb bytes.Buffer
	if err := e.text.ExecuteTemplate(&tb, "layout", m); err != nil {
		return "", "", "", fmt.Errorf("templates: email %s (text): %w", name, err)
	}
	if err := e.html.ExecuteTemplate(&hb, "layout", m); err != nil {
		return "", "", "", fmt.Errorf("templates: email %s (html): %w", name, err)
	}
	return m.Subject, tb.String(), hb.String(), nil
}

// FromName returns the sender's display name in the language nearest to
// lang: "frontdoor on behalf of <organisation>", or "frontdoor" alone.
func (s *Set) FromName(lang language.Tag) string {
	id := "email.from_name"
	if s.opt.Organization == "" {
		id = "email.from_name_plain"
	}
	name, err := s.message(s.cat.index(lang), id, nil)
	if err != nil || strings.TrimSpace(name) == "" {
		return s.opt.Product
	}
	return headerSafe(name)
}

func headerSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// Emails returns the names of the emails the set renders, sorted.
func (s *Set) Emails() []string { return slices.Sorted(maps.Keys(s.emails)) }
