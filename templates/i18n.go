package templates

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	texttemplate "text/template"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// catalog holds the messages of every language and picks one for a request.
type catalog struct {
	bundle  *i18n.Bundle
	tags    []language.Tag // English first: it is the fallback
	matcher language.Matcher
	locs    []*i18n.Localizer // by index in tags
	ids     map[string]bool   // every message ID of the English catalog
}

func loadCatalog(src *source) (*catalog, error) {
	c := &catalog{bundle: i18n.NewBundle(language.English), ids: map[string]bool{}}
	c.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
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
		tag := language.Make(strings.TrimSuffix(path.Base(name), ".toml"))
		for _, f := range src.locales[name] {
			if err := c.parse(f, tag); err != nil {
				return nil, fmt.Errorf("templates: %s: %w", f.origin, err)
			}
		}
		c.tags = append(c.tags, tag)
	}
	c.matcher = language.NewMatcher(c.tags)
	for _, tag := range c.tags {
		c.locs = append(c.locs, i18n.NewLocalizer(c.bundle, tag.String()))
	}
	return c, nil
}

// parse adds one catalog file. A message other than English must translate
// an English one, so that a typo in a key does not go unnoticed; every
// message must be a valid template.
func (c *catalog) parse(f file, tag language.Tag) error {
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
	return c.bundle.AddMessages(tag, msgs...)
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
	msg, err := c.locs[i].Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if msg == "" && err != nil {
		return "", fmt.Errorf("message %q: %w", id, err)
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
