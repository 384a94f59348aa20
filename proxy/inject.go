package proxy

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// selector names the element after which the links go: "#id", ".class" or a tag.
type selector struct {
	id, class, tag string
}

func parseSelector(s string) selector {
	switch {
	case strings.HasPrefix(s, "#"):
		return selector{id: s[1:]}
	case strings.HasPrefix(s, "."):
		return selector{class: s[1:]}
	default:
		return selector{tag: strings.ToLower(s)}
	}
}

// matches tells whether the start tag the tokenizer is on matches. It must be
// called after the token's raw bytes were copied: the tokenizer lower-cases
// names in its buffer.
func (s selector) matches(z *html.Tokenizer) (tag string, ok bool) {
	name, more := z.TagName()
	tag = string(name)
	if s.tag != "" {
		return tag, tag == s.tag
	}
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch {
		case s.id != "" && string(k) == "id":
			return tag, string(v) == s.id
		case s.class != "" && string(k) == "class":
			for _, c := range strings.Fields(string(v)) {
				if c == s.class {
					return tag, true
				}
			}
		}
	}
	return tag, false
}

var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

// injector streams an HTML document through unchanged, except that snippet is
// inserted after the first element matching sel. Once inserted, or when the
// element cannot be found, the rest is copied without tokenizing.
type injector struct {
	src      io.Reader
	z        *html.Tokenizer
	sel      selector
	snippet  []byte
	out      []byte // tokens ready to be read
	tag      string // the matched element, while inside it
	depth    int
	rest     io.Reader // set once injection is done
	injected bool
}

func newInjector(src io.Reader, sel selector, snippet []byte) *injector {
	return &injector{src: src, z: html.NewTokenizer(src), sel: sel, snippet: snippet}
}

func (in *injector) Read(p []byte) (int, error) {
	for len(in.out) == 0 {
		if in.rest != nil {
			return in.rest.Read(p)
		}
		if err := in.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, in.out)
	in.out = in.out[n:]
	return n, nil
}

// next tokenizes one token into in.out.
func (in *injector) next() error {
	tt := in.z.Next()
	if tt == html.ErrorToken {
		err := in.z.Err()
		// A truncated final token is not returned as a token: pass its bytes on.
		if raw := in.z.Raw(); len(raw) > 0 {
			in.rest = io.MultiReader(bytes.NewReader(bytes.Clone(raw)), errReader{err})
			return nil
		}
		return err
	}
	in.out = append(in.out[:0], in.z.Raw()...)
	switch tt {
	case html.StartTagToken, html.SelfClosingTagToken:
		if in.tag != "" {
			if name, _ := in.z.TagName(); string(name) == in.tag {
				in.depth++
			}
			return nil
		}
		tag, ok := in.sel.matches(in.z)
		if !ok {
			return nil
		}
		if tt == html.SelfClosingTagToken || voidElements[tag] {
			in.inject()
			return nil
		}
		in.tag, in.depth = tag, 1
	case html.EndTagToken:
		if in.tag == "" {
			return nil
		}
		if name, _ := in.z.TagName(); string(name) == in.tag {
			in.depth--
			if in.depth == 0 {
				in.inject()
			}
		}
	}
	return nil
}

// inject appends the snippet and switches to copying the rest untouched.
func (in *injector) inject() {
	in.out = append(in.out, in.snippet...)
	in.injected = true
	buffered := bytes.Clone(in.z.Buffered())
	in.rest = io.MultiReader(bytes.NewReader(buffered), in.src)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
