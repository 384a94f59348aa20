package proxy

import "bytes"

// The text of raw-text elements (script, style, textarea, title, ...) is
// skipped up to its end tag, as the tokenizer does.

// rawEndTag tells whether b[p:] starts with name (any case) and a delimiter:
// 1 yes (p moves past the delimiter), 0 no (p moves to the mismatch), or
// needMore.
func rawEndTag(b []byte, p *int, name string) int {
	for i := 0; i < len(name); i++ {
		if *p >= len(b) {
			return needMore
		}
		c := b[*p]
		if c != name[i] && c != name[i]-('a'-'A') {
			return 0
		}
		*p++
	}
	if *p >= len(b) {
		return needMore
	}
	c := b[*p]
	*p++
	if isSpace(c) || c == '/' || c == '>' {
		return 1
	}
	*p--
	return 0
}

// rawEnd finds "</name" and a delimiter in the text of a raw-text element.
func rawEnd(b []byte, name string, eof bool) int {
	p := 0
	for {
		k := bytes.Index(b[p:], []byte("</"))
		if k < 0 {
			if eof {
				return len(b)
			}
			// keep a possible "<" at the end for the next chunk
			return needMore
		}
		start := p + k
		p = start + 2
		switch rawEndTag(b, &p, name) {
		case 1:
			return start
		case needMore:
			return incomplete(b, eof)
		}
	}
}

// scriptEnd finds where the text of a script element ends, following the
// standard's script-data states (escaped "<!--" sections and nested
// "<script" inside them): the offset of its "</script", needMore, or len(b)
// at eof.
func scriptEnd(b []byte, eof bool) int {
	const (
		data = iota
		lessThan
		endTagOpen
		escapeStart
		escapeStartDash
		escaped
		escapedDash
		escapedDashDash
		escapedLessThan
		escapedEndTagOpen
		doubleEscapeStart
		doubleEscaped
		doubleEscapedDash
		doubleEscapedDashDash
		doubleEscapedLessThan
		doubleEscapeEnd
	)
	more := func() int { return incomplete(b, eof) }
	p, state := 0, data
	for {
		if state == data {
			k := bytes.IndexByte(b[p:], '<')
			if k < 0 {
				return more()
			}
			p += k + 1
			state = lessThan
			continue
		}
		if state == endTagOpen || state == escapedEndTagOpen || state == doubleEscapeEnd {
			start := p - 2
			switch rawEndTag(b, &p, "script") {
			case needMore:
				return more()
			case 1:
				if state != doubleEscapeEnd {
					return start
				}
				state = escaped
			default:
				switch state {
				case endTagOpen:
					state = data
				case escapedEndTagOpen:
					state = escaped
				default:
					state = doubleEscaped
				}
			}
			continue
		}
		if state == doubleEscapeStart {
			p-- // the letter after "<" is part of the name
			ok := true
			for i := 0; i < len("script") && ok; i++ {
				if p >= len(b) {
					return more()
				}
				c := b[p]
				p++
				if c != "script"[i] && c != "SCRIPT"[i] {
					p--
					ok = false
				}
			}
			if !ok {
				state = escaped
				continue
			}
			if p >= len(b) {
				return more()
			}
			c := b[p]
			p++
			if isSpace(c) || c == '/' || c == '>' {
				state = doubleEscaped
			} else {
				p--
				state = escaped
			}
			continue
		}
		if p >= len(b) {
			return more()
		}
		c := b[p]
		p++
		switch state {
		case lessThan:
			switch c {
			case '/':
				state = endTagOpen
			case '!':
				state = escapeStart
			default:
				p--
				state = data
			}
		case escapeStart, escapeStartDash:
			if c != '-' {
				p--
				state = data
			} else if state == escapeStart {
				state = escapeStartDash
			} else {
				state = escapedDashDash
			}
		case escaped, escapedDash, escapedDashDash:
			switch {
			case c == '-' && state == escaped:
				state = escapedDash
			case c == '-':
				state = escapedDashDash
			case c == '<':
				state = escapedLessThan
			case c == '>' && state == escapedDashDash:
				state = data
			default:
				state = escaped
			}
		case escapedLessThan:
			switch {
			case c == '/':
				state = escapedEndTagOpen
			case isASCIILetter(c):
				state = doubleEscapeStart
			default:
				p--
				state = data
			}
		case doubleEscaped, doubleEscapedDash, doubleEscapedDashDash:
			switch {
			case c == '-' && state == doubleEscaped:
				state = doubleEscapedDash
			case c == '-':
				state = doubleEscapedDashDash
			case c == '<':
				state = doubleEscapedLessThan
			case c == '>' && state == doubleEscapedDashDash:
				state = data
			default:
				state = doubleEscaped
			}
		case doubleEscapedLessThan:
			if c == '/' {
				state = doubleEscapeEnd
			} else {
				p--
				state = doubleEscaped
			}
		}
	}
}
