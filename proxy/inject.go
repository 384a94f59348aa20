package proxy

import (
	"bytes"
	"io"
	"strings"
)

// selector names the element after which the links go: "#id", ".class" or a tag.
type selector struct {
	id, class, tag string
	needle         []byte // bytes a matching start tag must contain
}

func parseSelector(s string) selector {
	switch {
	case strings.HasPrefix(s, "#"):
		return selector{id: s[1:], needle: []byte(s[1:])}
	case strings.HasPrefix(s, "."):
		return selector{class: s[1:], needle: []byte(s[1:])}
	default:
		return selector{tag: strings.ToLower(s)}
	}
}

// hasClass tells whether a class attribute's value lists class.
func hasClass(v []byte, class string) bool {
	for len(v) > 0 {
		i := bytes.IndexFunc(v, func(r rune) bool { return r != ' ' && r != '\t' && r != '\n' && r != '\r' && r != '\f' })
		if i < 0 {
			return false
		}
		v = v[i:]
		j := bytes.IndexAny(v, " \t\n\r\f")
		if j < 0 {
			j = len(v)
		}
		if string(v[:j]) == class {
			return true
		}
		v = v[j:]
	}
	return false
}

// isVoidElement tells whether an element has no end tag.
func isVoidElement(name []byte) bool {
	switch string(name) {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}

// injector streams an HTML document through unchanged, except that snippet is
// inserted after the first element matching sel. It holds back only an
// incomplete construct at the end of what it has read (a tag, comment or
// script cut by a chunk boundary); once the snippet is in, or the document
// ends, the rest is copied as it comes.
type injector struct {
	src      io.Reader
	sel      selector
	snippet  []byte
	st       scanState
	pending  []byte // read, not yet passed on
	out      []byte // ready to be read
	rest     io.Reader
	eof      bool
	err      error
	injected bool
}

const readChunk = 32 << 10

func newInjector(src io.Reader, sel selector, snippet []byte) *injector {
	return &injector{src: src, sel: sel, snippet: snippet}
}

func (in *injector) Read(p []byte) (int, error) {
	for {
		if len(in.out) > 0 {
			n := copy(p, in.out)
			in.out = in.out[n:]
			return n, nil
		}
		if in.rest != nil {
			return in.rest.Read(p)
		}
		if len(in.pending) > 0 {
			done, at := in.st.scan(in.pending, in.sel, in.eof)
			if at >= 0 {
				in.out = append(in.pending[:at:at], in.snippet...)
				in.rest = io.MultiReader(bytes.NewReader(in.pending[at:]), in.src)
				in.injected = true
				continue
			}
			if done > 0 {
				in.out, in.pending = in.pending[:done], bytes.Clone(in.pending[done:])
				continue
			}
		}
		if in.eof {
			if in.err != nil {
				return 0, in.err
			}
			return 0, io.EOF
		}
		in.fill()
	}
}

// fill reads the next chunk from the source.
func (in *injector) fill() {
	if cap(in.pending)-len(in.pending) < readChunk {
		grown := make([]byte, len(in.pending), len(in.pending)+readChunk)
		copy(grown, in.pending)
		in.pending = grown
	}
	n, err := in.src.Read(in.pending[len(in.pending) : len(in.pending)+readChunk])
	in.pending = in.pending[:len(in.pending)+n]
	if err != nil {
		in.eof = true
		if err != io.EOF {
			in.err = err
		}
	}
}
