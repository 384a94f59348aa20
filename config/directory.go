package config

import (
	"fmt"
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
	// Unknown keys were reported by checkKeys, with the backend's own keys.
	return rest.Decode(b)
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
