package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// secretKeys are the keys that may instead be given as KEY_file: the path of a
// file holding the value (as Kubernetes and Docker mount secrets).
var secretKeys = map[string]bool{
	"bind_password": true,
	"password":      true,
	"secret_key":    true,
	"client_secret": true,
	"auth_token":    true,
	"api_key":       true,
	"secret":        true,
	"token":         true,
}

// envRef matches ${NAME} and ${NAME:-default}.
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// Load reads, decodes, fills defaults and validates the file at path. Its
// problems name the file, and the line and column of the key as written.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	return decode(path, f, os.LookupEnv, os.ReadFile)
}

// Read decodes a configuration from r. lookupEnv resolves ${NAME} references and
// readFile resolves *_file secrets; both are injected so tests stay hermetic.
func Read(r io.Reader, lookupEnv func(string) (string, bool), readFile func(string) ([]byte, error)) (*Config, error) {
	return decode("", r, lookupEnv, readFile)
}

func decode(name string, r io.Reader, lookupEnv func(string) (string, bool), readFile func(string) ([]byte, error)) (*Config, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	src := &source{file: name}
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		p := src.fromYAML(err.Error())
		p.Message = "not valid YAML: " + p.Message
		return nil, src.locate(Problems{p})
	}
	src = index(name, &root)
	var problems Problems
	resolve(&root, "", lookupEnv, readFile, &problems)
	if len(problems) > 0 {
		return nil, src.locate(problems)
	}
	// The tree is decoded as written, so that every error keeps the line of
	// the file; yaml.Node.Decode does not refuse unknown keys, checkKeys does.
	cfg := &Config{src: src}
	checkKeys(&root, reflect.TypeFor[Config](), "", &problems)
	if len(root.Content) > 0 {
		if err := root.Decode(cfg); err != nil {
			problems = append(problems, decodeProblems(src, err)...)
		}
	}
	if len(problems) > 0 {
		return nil, src.locate(problems)
	}
	cfg.ApplyDefaults()
	if p := cfg.Validate(); len(p) > 0 {
		return cfg, src.locate(p)
	}
	return cfg, nil
}

// resolve substitutes ${ENV} references in scalars and replaces KEY_file pairs
// by KEY with the file's content, walking the whole tree.
func resolve(n *yaml.Node, path string, lookupEnv func(string) (string, bool), readFile func(string) ([]byte, error), problems *Problems) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for i, c := range n.Content {
			p := path
			if n.Kind == yaml.SequenceNode {
				p = fmt.Sprintf("%s[%d]", path, i)
			}
			resolve(c, p, lookupEnv, readFile, problems)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			resolve(v, p, lookupEnv, readFile, problems)
			base, isFile := strings.CutSuffix(k.Value, "_file")
			if !isFile || !secretKeys[base] || v.Kind != yaml.ScalarNode {
				continue
			}
			if hasKey(n, base) {
				problems.add(p, "set either %s or %s, not both", base, k.Value)
				continue
			}
			if v.Value == "" {
				continue
			}
			data, err := readFile(v.Value)
			if err != nil {
				problems.add(p, "cannot read secret file: %v", err)
				continue
			}
			k.Value = base
			v.Value = strings.TrimRight(string(data), "\r\n")
			v.Tag, v.Style = "!!str", yaml.DoubleQuotedStyle
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return
		}
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
			m := envRef.FindStringSubmatch(ref)
			if v, ok := lookupEnv(m[1]); ok {
				return v
			}
			if m[2] != "" {
				return m[3]
			}
			problems.add(path, "environment variable %s is not set", m[1])
			return ""
		})
		if n.Tag == "!!str" || n.Style != 0 {
			return
		}
		n.Tag = "" // let the decoder re-infer the type of an unquoted scalar
	}
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decodeProblems turns yaml's type errors ("line 3: cannot unmarshal !!str
// `x` into int") into problems at their key paths; yaml reports them all.
func decodeProblems(src *source, err error) Problems {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return Problems{src.fromYAML(err.Error())}
	}
	var p Problems
	for _, e := range te.Errors {
		p = append(p, src.fromYAML(e))
	}
	return p
}

// UnmarshalYAML reads "90s", "15m", "400d" (days) or a number of seconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a duration must be a string such as \"30s\"", n.Line)}}
	}
	if days, ok := strings.CutSuffix(n.Value, "d"); ok {
		var k int64
		if _, err := fmt.Sscanf(days, "%d", &k); err != nil || fmt.Sprint(k) != days || k < 0 || k > 100*366 {
			return fmt.Errorf("line %d: %q is not a number of days such as \"400d\"", n.Line, n.Value)
		}
		*d = Duration(time.Duration(k) * 24 * time.Hour)
		return nil
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		var secs int64
		if _, err2 := fmt.Sscanf(n.Value, "%d", &secs); err2 != nil || fmt.Sprint(secs) != n.Value {
			return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %q is not a duration such as \"30s\"", n.Line, n.Value)}}
		}
		v = time.Duration(secs) * time.Second
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as "30s".
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }
