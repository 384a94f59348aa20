package templates

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	texttemplate "text/template"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// catalog holds the messages of every language and picks one for a request.
// Every catalog is read and checked at start; English, the fallback, is built
// then, another language when a request first asks for it, so that a process
// whose users read one or two languages does not keep all of them.
type catalog struct {
	tags    []language.Tag // English first: it is the fallback
	matcher language.Matcher
	langs   []*lang         // by index in tags
	ids     map[string]bool // every message ID of the English catalog
}

// lang is one language's messages, in a go-i18n bundle of its own.
type lang struct {
	tag   language.Tag
	files []file // its catalogs, the embedded one first

	mu  sync.Mutex
	loc atomic.Pointer[i18n.Localizer] // nil until built
}

func loadCatalog(src *source) (*catalog, error) {
	c := &catalog{ids: map[string]bool{}}
	names := make([]string, 0, len(src.locales))
	for name := range src.locales {
		names = append(names, name)
	}
	// English first, so that other catalogs can be checked against it.
	sort.Slice(names, func(i, j int) bool {
		ei, ej := names[i] == "locales/en.toml", names[j] == "locales/en.toml"
		if ei != ej {
			return ei
		}
		return names[i] < names[j]
	})
	if len(names) == 0 || names[0] != "locales/en.toml" {
		return nil, errors.New("templates: locales/en.toml is missing")
	}
	for _, name := range names {
		l := &lang{tag: language.Make(strings.TrimSuffix(path.Base(name), ".toml")), files: src.locales[name]}
		for _, f := range l.files {
			if err := c.check(f, l.tag); err != nil {
				return nil, fmt.Errorf("templates: %s: %w", f.origin, err)
			}
		}
		c.tags = append(c.tags, l.tag)
		c.langs = append(c.langs, l)
	}
	if _, err := c.langs[0].localizer(); err != nil {
		return nil, err
	}
	c.langs[0].files = nil // built for good: English is never dropped
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

// check reads one catalog file. A message other than English must translate
// an English one, so that a typo in a key does not go unnoticed; every
// message must be a valid template.
func (c *catalog) check(f file, tag language.Tag) error {
	msgs, err := i18n.ParseMessageBytes(f.data, toml.Unmarshal)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		for _, text := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
			if _, err := texttemplate.New(m.ID).Parse(text); err != nil {
				return fmt.Errorf("message %q: %w", m.ID, err)
			}
		}
		if tag == language.English {
			c.ids[m.ID] = true
		} else if !c.ids[m.ID] {
			return fmt.Errorf("message %q is not in the English catalog", m.ID)
		}
	}
	// As a language is built later: a language without plural rules fails here.
	return i18n.NewBundle(language.English).AddMessages(tag, msgs...)
}

// localizer returns the language's localizer, building it on first use.
func (l *lang) localizer() (*i18n.Localizer, error) {
	if loc := l.loc.Load(); loc != nil {
		return loc, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if loc := l.loc.Load(); loc != nil {
		return loc, nil
	}
	b := i18n.NewBundle(l.tag)
	for _, f := range l.files { // checked at start: the same bytes parse again
		msgs, err := i18n.ParseMessageBytes(f.data, toml.Unmarshal)
		if err == nil {
			err = b.AddMessages(l.tag, msgs...)
		}
		if err != nil {
			return nil, fmt.Errorf("templates: %s: %w", f.origin, err)
		}
	}
	loc := i18n.NewLocalizer(b, l.tag.String())
	l.loc.Store(loc)
	return loc, nil
}

// drop forgets the language's localizer, to be built again when asked for;
// English, whose files are not kept, stays.
func (l *lang) drop() {
	if l.files != nil {
		l.loc.Store(nil)
	}
}

// negotiate picks the best supported language for an Accept-Language header
// value, honouring q-values and regional variants (fr-CA is served French);
// English when nothing matches or the header cannot be parsed.
func (c *catalog) negotiate(accept string) int {
	prefs, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(prefs) == 0 {
		return 0
	}
	_, i, conf := c.matcher.Match(prefs...)
	if conf == language.No {
		return 0
	}
	return i
}

// index returns the position of the supported language that serves tag.
func (c *catalog) index(tag language.Tag) int {
	_, i, conf := c.matcher.Match(tag)
	if conf == language.No {
		return 0
	}
	return i
}

// localize returns message id in the language at index i. A message missing
// from that language's catalog falls back to English; one missing from every
// catalog is an error, so a template that asks for it fails to render.
func (c *catalog) localize(i int, id string, data map[string]any) (string, error) {
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if i > 0 {
		msg, err := c.langs[i].localize(cfg)
		if nf := (*i18n.MessageNotFoundErr)(nil); !errors.As(err, &nf) {
			return msg, err
		}
	}
	return c.langs[0].localize(cfg)
}

// localize returns a message of the language, building it first if need be.
func (l *lang) localize(cfg *i18n.LocalizeConfig) (string, error) {
	loc, err := l.localizer()
	if err != nil {
		return "", err
	}
	msg, err := loc.Localize(cfg)
	if err != nil {
		return "", fmt.Errorf("message %q: %w", cfg.MessageID, err)
	}
	return msg, nil
}

// rtl tells whether a language is written right to left.
func rtl(tag language.Tag) bool {
	base, _ := tag.Base()
	switch base.String() {
	case "ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb":
		return true
	}
	return false
}
