package config

import (
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// source remembers where each key path is in the file as written, so that
// every problem, found while decoding or long after (server.Check), can name
// its line and column.
type source struct {
	file string
	pos  map[string]yaml.Node // key path -> the node's position (Line, Column)
	line map[int]string       // line -> the first key path whose scalar value is there
}

// index records the position of every key and sequence element of root,
// before ${ENV} and *_file are resolved (which keep positions but rename keys).
func index(file string, root *yaml.Node) *source {
	s := &source{file: file, pos: map[string]yaml.Node{}, line: map[int]string{}}
	s.walk(root, "")
	return s
}

func (s *source) walk(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			s.walk(c, path)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := idx(path, i)
			s.put(p, c, c)
			s.walk(c, p)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			s.put(p, k, v)
			s.walk(v, p)
		}
	}
}

func (s *source) put(path string, at, value *yaml.Node) {
	s.pos[path] = yaml.Node{Line: at.Line, Column: at.Column}
	if _, ok := s.line[value.Line]; !ok && value.Kind == yaml.ScalarNode {
		s.line[value.Line] = path
	}
}

// find returns the position of path, of its KEY_file spelling, or of its
// nearest ancestor in the file (a required key that is missing is reported
// at its section); ok is false when not even the section is in the file.
func (s *source) find(path string) (line, col int, ok bool) {
	for p := path; p != ""; p = parent(p) {
		for _, q := range []string{p, p + "_file"} {
			if n, ok := s.pos[q]; ok {
				return n.Line, n.Column, true
			}
		}
	}
	return 0, 0, false
}

// parent cuts the last key or index of a path: a.b[2] -> a.b -> a -> "".
func parent(p string) string {
	if i := strings.LastIndexAny(p, ".["); i >= 0 {
		return p[:i]
	}
	return ""
}

// Locate gives each problem the file name and, when the file has the key or
// its section, the line and column. Problems of checks made after loading
// (server.Check) are located the same way as those of Read.
func (c *Config) Locate(ps Problems) Problems {
	if c == nil || c.src == nil {
		return ps
	}
	return c.src.locate(ps)
}

func (s *source) locate(ps Problems) Problems {
	out := make(Problems, len(ps))
	for i, p := range ps {
		p.File = s.file
		if p.Line == 0 && p.Path != "" {
			p.Line, p.Column, _ = s.find(p.Path)
		}
		out[i] = p
	}
	return out
}

// yamlLine matches the "line N: " yaml puts before each decoding error.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// fromYAML turns one of yaml's messages into a problem at the key path whose
// value starts on that line.
func (s *source) fromYAML(msg string) Problem {
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return Problem{Message: msg}
	}
	line, _ := strconv.Atoi(m[1])
	p := Problem{Line: line, Message: strings.Replace(m[2], " into config.", " into ", 1)}
	if path, ok := s.line[line]; ok {
		p.Path = path
		if n, ok := s.pos[path]; ok && n.Line == line {
			p.Column = n.Column
		}
	}
	return p
}
