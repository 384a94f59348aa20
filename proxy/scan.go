package proxy

import (
	"bytes"
	"html"
	"sync"
)

// This file finds where to inject without a general HTML tokenizer: it skips
// text with bytes.IndexByte and looks only at the markup constructs that
// change how the rest is read (tags, comments, raw text such as scripts). It
// follows the tokenizing rules of the HTML standard as golang.org/x/net/html
// implements them; FuzzScannerMatchesTokenizer holds it to that.

// scanState is what the scanner must remember between chunks.
type scanState struct {
	raw   string // the raw-text element being skipped ("script", "style", ...), or ""
	tag   string // the matched element while inside it
	depth int
	attrs []tagAttr // reused between tags
	name  []byte    // reused between tags
	// began is where the matched element's start tag begins, as an offset
	// into the b of the scan call that met it.
	began int
}

// scanStates keeps the scanners' buffers between pages.
var scanStates = sync.Pool{New: func() any { return new(scanState) }}

// findAnchor scans a whole page for sel: it returns where the matched
// element begins and where the links go after it (at is -1 when the page has
// no such element).
func findAnchor(page []byte, sel selector) (began, at int) {
	st := scanStates.Get().(*scanState)
	*st = scanState{attrs: st.attrs[:0], name: st.name[:0]}
	_, at = st.scan(page, sel, true)
	began = st.began
	scanStates.Put(st)
	return began, at
}

// construct results.
const (
	needMore = -1 // the construct is not complete in the buffer
)

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' }

// isRawElement tells whether an element's content is read as text until its
// end tag.
func isRawElement(name []byte) bool {
	switch string(name) {
	case "iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp":
		return true
	}
	return false
}

// scan reads complete constructs from b. It returns how many bytes are done
// (the caller may pass them on) and, when the injection point was reached,
// its offset (<= done); at is -1 otherwise. With eof, an incomplete construct
// at the end counts as text.
func (st *scanState) scan(b []byte, sel selector, eof bool) (done, at int) {
	i := 0
	for i < len(b) {
		if st.raw != "" {
			n := st.skipRaw(b[i:], eof)
			if n == needMore {
				return i, -1
			}
			i += n
			continue
		}
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return len(b), -1
		}
		i += j
		inside := st.tag != ""
		n, injectAfter := st.markup(b[i:], sel, eof)
		if n == needMore {
			return i, -1
		}
		if !inside && (st.tag != "" || injectAfter) {
			st.began = i
		}
		i += n
		if injectAfter {
			return i, i
		}
	}
	return i, -1
}

// markup reads the construct that starts with '<' at b[0].
func (st *scanState) markup(b []byte, sel selector, eof bool) (n int, inject bool) {
	if len(b) < 2 {
		if eof {
			return len(b), false
		}
		return needMore, false
	}
	switch c := b[1]; {
	case isASCIILetter(c):
		end, selfClosing, attrs := parseTag(b, 1, st.attrs[:0])
		st.attrs = attrs
		if end < 0 {
			return incomplete(b, eof), false
		}
		return end, st.startTag(b[:end], selfClosing, attrs, sel)
	case c == '/':
		if len(b) < 3 {
			return incomplete(b, eof), false
		}
		if b[2] == '>' {
			return 3, false
		}
		if !isASCIILetter(b[2]) {
			return untilClose(b, 2, eof), false
		}
		end, _, attrs := parseTag(b, 2, st.attrs[:0])
		st.attrs = attrs
		if end < 0 {
			return incomplete(b, eof), false
		}
		return end, st.endTag(b[:end])
	case c == '!':
		if len(b) < 4 && !eof && bytes.HasPrefix([]byte("<!--"), b) {
			return needMore, false
		}
		if bytes.HasPrefix(b, []byte("<!--")) {
			return commentEnd(b, eof), false
		}
		return untilClose(b, 2, eof), false
	case c == '?':
		return untilClose(b, 1, eof), false
	}
	return 1, false // a '<' that starts nothing is text
}

func incomplete(b []byte, eof bool) int {
	if eof {
		return len(b)
	}
	return needMore
}

// untilClose skips a bogus comment or declaration to the next '>'.
func untilClose(b []byte, from int, eof bool) int {
	if k := bytes.IndexByte(b[from:], '>'); k >= 0 {
		return from + k + 1
	}
	return incomplete(b, eof)
}

// commentEnd finds the end of "<!--...": "-->", "--!>", or an abrupt
// "<!-->" / "<!--->".
func commentEnd(b []byte, eof bool) int {
	dashes, beginning := 0, true
	for i := 4; i < len(b); i++ {
		switch b[i] {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return i + 1
			}
		case '!':
			if dashes >= 2 {
				if i+1 >= len(b) {
					return incomplete(b, eof)
				}
				i++
				switch b[i] {
				case '>':
					return i + 1
				case '-':
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
	return incomplete(b, eof)
}

// tagAttr is one attribute of a tag, as offsets into the tag's bytes.
type tagAttr struct{ ks, ke, vs, ve int }

// parseTag reads the tag that starts at b[0] and whose name starts at
// b[from], as the tokenizer does: quoted values may hold '>', only the first
// of attributes with the same name counts. It returns the tag's length (-1
// when it does not end in b), whether it is self-closing, and its attributes
// (appended to attrs).
func parseTag(b []byte, from int, attrs []tagAttr) (int, bool, []tagAttr) {
	i := from
	for ; i < len(b); i++ {
		if c := b[i]; isSpace(c) {
			i++
			break
		} else if c == '/' || c == '>' {
			break
		}
	}
	skip := func() {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
	}
	for {
		skip()
		if i >= len(b) {
			return -1, false, attrs
		}
		if b[i] == '>' {
			i++
			break
		}
		ks := i
		for ; i < len(b); i++ {
			c := b[i]
			if c == '=' && i == ks {
				continue
			}
			if c == '=' || c == '/' || c == '>' || isSpace(c) {
				break
			}
		}
		ke, vs, ve := i, i, i
		skip()
		if i >= len(b) {
			return -1, false, attrs
		}
		switch b[i] {
		case '/':
			i++
		case '=':
			i++
			skip()
			if i >= len(b) {
				return -1, false, attrs
			}
			switch q := b[i]; q {
			case '>':
			case '"', '\'':
				k := bytes.IndexByte(b[i+1:], q)
				if k < 0 {
					return -1, false, attrs
				}
				vs, ve = i+1, i+1+k
				i = ve + 1
			default:
				vs = i
				for i++; ; i++ {
					if i >= len(b) {
						return -1, false, attrs
					}
					if isSpace(b[i]) {
						ve = i
						i++
						break
					}
					if b[i] == '>' {
						ve = i
						break
					}
				}
			}
		}
		if ke > ks && !hasAttr(b, attrs, b[ks:ke]) {
			attrs = append(attrs, tagAttr{ks, ke, vs, ve})
		}
	}
	n := len(attrs)
	self := b[i-2] == '/' && (n == 0 || i-2 != attrs[n-1].ve-1)
	return i, self, attrs
}

// hasAttr tells whether attrs already has an attribute named key (any case).
func hasAttr(b []byte, attrs []tagAttr, key []byte) bool {
	for _, a := range attrs {
		if asciiEqualFold(b[a.ks:a.ke], key) {
			return true
		}
	}
	return false
}

func asciiEqualFold(x, y []byte) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		a, b := x[i], y[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// tagName returns the lower-cased name of the tag in b (from b[from]), in a
// buffer the scanner reuses.
func (st *scanState) tagName(b []byte, from int) []byte {
	i := from
	for i < len(b) && !isSpace(b[i]) && b[i] != '/' && b[i] != '>' {
		i++
	}
	st.name = st.name[:0]
	for _, c := range b[from:i] {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		st.name = append(st.name, c)
	}
	return st.name
}

// startTag handles a complete start tag; it reports whether the links go
// right after it.
func (st *scanState) startTag(b []byte, selfClosing bool, attrs []tagAttr, sel selector) bool {
	name := st.tagName(b, 1)
	if isRawElement(name) {
		st.raw = string(name)
	}
	if st.tag != "" {
		if string(name) == st.tag {
			st.depth++
		}
		return false
	}
	if !sel.matchesTag(b, name, attrs) {
		return false
	}
	if selfClosing || isVoidElement(name) {
		return true
	}
	st.tag, st.depth = string(name), 1
	return false
}

// endTag handles a complete end tag; it reports whether the links go right
// after it.
func (st *scanState) endTag(b []byte) bool {
	if st.tag == "" || string(st.tagName(b, 2)) != st.tag {
		return false
	}
	st.depth--
	return st.depth == 0
}

// skipRaw skips the text of a raw-text element up to its end tag (which it
// leaves for markup), returning its length, needMore, or all of b at eof.
func (st *scanState) skipRaw(b []byte, eof bool) int {
	var n int
	switch st.raw {
	case "plaintext":
		return len(b) // text to the end of the document
	case "script":
		n = scriptEnd(b, eof)
	default:
		n = rawEnd(b, st.raw, eof)
	}
	if n != needMore && n < len(b) {
		st.raw = ""
	}
	return n
}

// matchesTag tells whether the complete start tag b, named name, matches sel:
// as for the tokenizer, the first id (or class) attribute decides, and values
// are entity-decoded.
func (sel selector) matchesTag(b []byte, name []byte, attrs []tagAttr) bool {
	if sel.tag != "" {
		return string(name) == sel.tag
	}
	if !bytes.Contains(b, sel.needle) {
		return false
	}
	for _, a := range attrs {
		key, val := b[a.ks:a.ke], b[a.vs:a.ve]
		switch {
		case sel.id != "" && asciiEqualFold(key, []byte("id")):
			return string(attrValue(val)) == sel.id
		case sel.class != "" && asciiEqualFold(key, []byte("class")):
			return hasClass(attrValue(val), sel.class)
		}
	}
	return false
}

// attrValue decodes an attribute value as the tokenizer does: line breaks
// normalised, character references decoded.
func attrValue(v []byte) []byte {
	if bytes.IndexByte(v, '\r') >= 0 {
		v = bytes.ReplaceAll(bytes.ReplaceAll(v, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
	}
	if bytes.IndexByte(v, '&') < 0 {
		return v
	}
	return []byte(html.UnescapeString(string(v)))
}
