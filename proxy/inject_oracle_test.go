package proxy

// The tokenizer-based injector, kept as the reference the fast scanner must match.

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/net/html"
)

// matches tells whether the start tag the tokenizer is on matches. It must be
// called after the token's raw bytes were copied: the tokenizer lower-cases
// names in its buffer.
func (s selector) matches(z *html.Tokenizer, raw []byte) (tag []byte, ok bool) {
	if s.needle != nil && !bytes.Contains(raw, s.needle) {
		return nil, false // cheap: most tags cannot match, skip parsing their attributes
	}
	if s.tag != "" && !hasTagPrefix(raw[1:], s.tag) {
		return nil, false
	}
	tag, more := z.TagName()
	if s.tag != "" {
		return tag, string(tag) == s.tag
	}
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch {
		case s.id != "" && string(k) == "id":
			return tag, string(v) == s.id
		case s.class != "" && string(k) == "class":
			return tag, hasClass(v, s.class)
		}
	}
	return tag, false
}

// hasTagPrefix tells whether b starts with tag in any case: a quick test
// before asking the tokenizer for the (lower-cased) name.
func hasTagPrefix(b []byte, tag string) bool {
	return len(b) >= len(tag) && bytes.EqualFold(b[:len(tag)], []byte(tag))
}

// oracleInjector is the first injector frontdoor had, built on
// golang.org/x/net/html's tokenizer; the tests hold the scanner to it. It streams an HTML document through unchanged, except that snippet is
// inserted after the first element matching sel. Once inserted, or when the
// element cannot be found, the rest is copied without tokenizing.
type oracleInjector struct {
	src      io.Reader
	z        *html.Tokenizer
	sel      selector
	snippet  []byte
	buf      []byte // reused backing array of out
	out      []byte // bytes ready to be read
	tag      string // the matched element, while inside it
	depth    int
	rest     io.Reader // set once injection is done
	injected bool
}

func newOracleInjector(src io.Reader, sel selector, snippet []byte) *oracleInjector {
	return &oracleInjector{src: src, z: html.NewTokenizer(src), sel: sel, snippet: snippet}
}

// Read fills p with as many tokens as fit, so the proxy writes (and, for a
// response without a length, flushes) in few large pieces rather than token
// by token.
func (in *oracleInjector) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(in.out) > 0 {
			c := copy(p[n:], in.out)
			in.out = in.out[c:]
			n += c
			continue
		}
		if in.rest != nil {
			if n > 0 {
				return n, nil
			}
			return in.rest.Read(p)
		}
		if err := in.next(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// next tokenizes one token into in.out.
func (in *oracleInjector) next() error {
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
	in.buf = append(in.buf[:0], in.z.Raw()...)
	in.out = in.buf
	switch tt {
	case html.StartTagToken, html.SelfClosingTagToken:
		if in.tag != "" {
			if hasTagPrefix(in.buf[1:], in.tag) {
				if name, _ := in.z.TagName(); string(name) == in.tag {
					in.depth++
				}
			}
			return nil
		}
		tag, ok := in.sel.matches(in.z, in.buf)
		if !ok {
			return nil
		}
		if tt == html.SelfClosingTagToken || isVoidElement(tag) {
			in.inject()
			return nil
		}
		in.tag, in.depth = string(tag), 1
	case html.EndTagToken:
		if in.tag == "" || !hasTagPrefix(in.buf[min(2, len(in.buf)):], in.tag) {
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
func (in *oracleInjector) inject() {
	in.buf = append(in.buf, in.snippet...)
	in.out = in.buf
	in.injected = true
	buffered := bytes.Clone(in.z.Buffered())
	in.rest = io.MultiReader(bytes.NewReader(buffered), in.src)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// FuzzScannerMatchesTokenizer: for any page and selector, the fast injector
// and the tokenizer-based one produce the same bytes.
func FuzzScannerMatchesTokenizer(f *testing.F) {
	for _, seed := range []string{
		`<form id="login-form"><input></form>tail`,
		`<script>if (a<b) document.write('<form id="login-form"></form>')</script><form id="login-form"></form>`,
		`<script><!-- <script> </script> --></script><div id=x></div>`,
		`<!-- <form id=x> --><!--> <form id=x>`,
		`<textarea><form id=x></textarea><p id=x/>`,
		`<div class="a b" id='x'><div></div></div>`,
		`<form id = "x" data-q='>'></form>`,
		`<!doctype html><?xml x?></x/><form id=x/>`,
	} {
		f.Add(seed, "#x")
		f.Add(seed, "form")
		f.Add(seed, ".b")
	}
	f.Fuzz(func(t *testing.T, page, sel string) {
		if sel == "" || strings.ContainsAny(sel, " \t\n") {
			return
		}
		s := parseSelector(sel)
		want, err := io.ReadAll(newOracleInjector(strings.NewReader(page), s, []byte(snippet)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(newInjector(iotest.HalfReader(strings.NewReader(page)), s, []byte(snippet)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("page %q selector %q:\n scanner   %q\n tokenizer %q", page, sel, got, want)
		}
	})
}
