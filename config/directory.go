package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/idp/backends"
)

// Directory is where the accounts live. `type` picks the backend (see
// idp/backends); every other key of the section belongs to that backend,
// which decodes, defaults and validates it.
type Directory struct {
	Type string
	// Backend is the backend's own section, decoded. Nil when the type is
	// not in this build.
	Backend idp.BackendConfig
}

// UnmarshalYAML reads `type`, then decodes the rest of the section strictly
// into the backend's own configuration.
func (d *Directory) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: directory must be a mapping", n.Line)}}
	}
	rest := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "type" {
			d.Type = n.Content[i+1].Value
			continue
		}
		rest.Content = append(rest.Content, n.Content[i], n.Content[i+1])
	}
	b, ok := backends.New(d.Type)
	if !ok {
		return nil // Validate names the type
	}
	d.Backend = b
	return strictDecode(rest, b)
}

var unknownField = regexp.MustCompile(`^line \d+: field (\S+) not found in type (\S+)$`)

// strictDecode decodes n into out refusing unknown keys, reporting each
// unknown key at its line in the file as written.
func strictDecode(n *yaml.Node, out any) error {
	raw, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	err = dec.Decode(out)
	var te *yaml.TypeError
	if err == nil || errors.Is(err, io.EOF) || !errors.As(err, &te) {
		return err
	}
	for i, e := range te.Errors {
		if m := unknownField.FindStringSubmatch(e); m != nil {
			te.Errors[i] = fmt.Sprintf("line %d: field %s not found in section directory", keyLine(n, m[1]), m[1])
		}
	}
	return te
}

// keyLine finds the line of the first key named key in n, at any depth.
func keyLine(n *yaml.Node, key string) int {
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 && c.Value == key {
			return c.Line
		}
		if l := keyLine(c, key); l > 0 {
			return l
		}
	}
	return 0
}

func (d *Directory) validate(p *Problems) {
	if d.Backend == nil {
		p.add("directory.type", "%q is not one of %s", d.Type, strings.Join(backends.Types(), ", "))
		return
	}
	for _, bp := range d.Backend.Validate() {
		p.add("directory."+bp.Key, "%s", bp.Message)
	}
}
