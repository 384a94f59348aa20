package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/frontdoor-sspr/frontdoor/idp/backends"
)

var (
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	directoryType   = reflect.TypeFor[Directory]()
)

// checkKeys reports every key of n that the type t has no field for, at its
// line and column, with the known key it most likely meant. It walks the
// tree as written, so that the positions are the operator's.
func checkKeys(n *yaml.Node, t reflect.Type, path string, p *Problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.DocumentNode {
		for _, c := range n.Content {
			checkKeys(c, t, path, p)
		}
		return
	}
	if t == directoryType {
		checkDirectoryKeys(n, path, p)
		return
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return // decodes itself
	}
	switch {
	case n.Kind == yaml.SequenceNode && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for i, c := range n.Content {
			checkKeys(c, t.Elem(), idx(path, i), p)
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Map:
		for i := 1; i < len(n.Content); i += 2 {
			checkKeys(n.Content[i], t.Elem(), join(path, n.Content[i-1].Value), p)
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct:
		fields := structKeys(t)
		checkMapping(n, path, fields, p, func(key string, v *yaml.Node) {
			if f, ok := fields[key]; ok {
				checkKeys(v, f, join(path, key), p)
			}
		})
	}
}

// checkDirectoryKeys checks the directory section against the section of
// the backend its type names (an unknown type is Validate's to report).
func checkDirectoryKeys(n *yaml.Node, path string, p *Problems) {
	if n.Kind != yaml.MappingNode {
		return
	}
	typ := ""
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "type" {
			typ = n.Content[i+1].Value
		}
	}
	b, ok := backends.New(typ)
	if !ok {
		return
	}
	bt := reflect.TypeOf(b)
	for bt.Kind() == reflect.Pointer {
		bt = bt.Elem()
	}
	fields := structKeys(bt)
	fields["type"] = reflect.TypeFor[string]()
	checkMapping(n, path, fields, p, func(key string, v *yaml.Node) {
		if f, ok := fields[key]; ok && key != "type" {
			checkKeys(v, f, join(path, key), p)
		}
	})
}

// checkMapping reports the keys of n missing from fields and hands the
// others, with their values, to each.
func checkMapping(n *yaml.Node, path string, fields map[string]reflect.Type, p *Problems, each func(string, *yaml.Node)) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		base, isFile := strings.CutSuffix(k.Value, "_file")
		if _, ok := fields[k.Value]; ok || k.Value == "<<" || (isFile && secretKeys[base] && fields[base] != nil) {
			each(k.Value, n.Content[i+1])
			continue
		}
		msg := fmt.Sprintf("unknown key %q", k.Value)
		if path != "" {
			msg += " in section " + path
		}
		if s := suggest(k.Value, fields); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else {
			msg += "; known keys: " + strings.Join(sortedKeys(fields), ", ")
		}
		*p = append(*p, Problem{Path: join(path, k.Value), Line: k.Line, Column: k.Column, Message: msg})
	}
}

// structKeys maps the YAML keys of a struct type to their field types,
// with the KEY_file spelling of its secrets.
func structKeys(t reflect.Type) map[string]reflect.Type {
	keys := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range structKeys(f.Type) {
				keys[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		keys[name] = f.Type
	}
	return keys
}

func sortedKeys(m map[string]reflect.Type) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
		if secretKeys[k] {
			ks = append(ks, k+"_file")
		}
	}
	slices.Sort(ks)
	return ks
}

// suggest returns the known key closest to key by edit distance (a swap of
// two neighbours counts one), or "" when none is close enough to be a typo.
func suggest(key string, fields map[string]reflect.Type) string {
	best, bestD := "", 0
	for _, k := range sortedKeys(fields) {
		d := editDistance(key, k)
		if best == "" || d < bestD {
			best, bestD = k, d
		}
	}
	limit := 2
	if len(key) <= 4 {
		limit = 1
	}
	if best == "" || bestD > limit {
		return ""
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours, each one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
