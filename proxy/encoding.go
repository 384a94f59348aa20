package proxy

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// codec decodes and re-encodes one Content-Encoding: as streams (decode,
// encode) for a page too long to hold, whole (unpack, pack) for the others.
type codec struct {
	decode func(io.Reader) (io.ReadCloser, error)
	encode func(io.Writer) io.WriteCloser
	unpack func(src io.Reader, dst *bytes.Buffer, limit int64) error
	pack   func(dst *bytes.Buffer, page []byte) error
	// packSplit, when set, is pack for a page that gets snippet at at, whose
	// part from began to the snippet changes from request to request and the
	// rest may not (see packGzipSplit).
	packSplit func(dst *bytes.Buffer, page []byte, began, at int, snippet []byte) error
}

var codecs = map[string]codec{
	"identity": {
		decode: func(r io.Reader) (io.ReadCloser, error) { return io.NopCloser(r), nil },
	},
	"gzip": {
		decode: func(r io.Reader) (io.ReadCloser, error) { return gzip.NewReader(r) },
		encode: func(w io.Writer) io.WriteCloser {
			zw, _ := gzip.NewWriterLevel(w, gzip.DefaultCompression)
			return zw
		},
		unpack:    unpackGzip,
		pack:      packGzip,
		packSplit: packGzipSplit,
	},
	"deflate": {
		decode: func(r io.Reader) (io.ReadCloser, error) { return flate.NewReader(r), nil },
		encode: func(w io.Writer) io.WriteCloser {
			zw, _ := flate.NewWriter(w, flate.DefaultCompression)
			return zw
		},
		unpack: unpackFlate,
		pack:   packFlate,
	},
	"br": {
		decode: func(r io.Reader) (io.ReadCloser, error) { return io.NopCloser(brotli.NewReader(r)), nil },
		encode: func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, 5) },
		unpack: unpackBrotli,
		pack:   packBrotli,
	},
}

// codecFor returns the codec for a Content-Encoding header value; ok is false
// for encodings frontdoor does not rewrite (stacked encodings, zstd, ...), whose
// bodies then pass through untouched.
func codecFor(header string) (codec, bool) {
	enc := strings.ToLower(strings.TrimSpace(header))
	if enc == "" {
		enc = "identity"
	}
	c, ok := codecs[enc]
	return c, ok
}

// lookahead is how much of a sign-in page frontdoor reads before answering.
// A page that ends within it (nearly all do) is rewritten whole, so it gets an
// exact Content-Length and goes out in one write; a longer one is streamed.
const lookahead = 256 << 10

// maxPage bounds the decoded page held in memory (a small compressed body
// may decode to a large one).
const maxPage = 4 << 20

// rewritten is the outcome of rewrite.
type rewritten struct {
	body io.ReadCloser
	// length is the new body's length, or -1 when it is streamed.
	length int64
	// unchanged means the page had no anchor: body replays the upstream's
	// bytes as they came (still compressed), and no header needs to change.
	unchanged bool
}

// rewrite injects snippet into the upstream body, re-encoded as it came.
// size is the body's length when the upstream gave it, else -1.
func rewrite(body io.ReadCloser, size int64, c codec, sel selector, snippet []byte) (rewritten, error) {
	if c.encode == nil {
		return rewritePlain(body, size, sel, snippet)
	}
	// The compressed body is read whole first: it is replayed as it came when
	// the page has no anchor, and decoding from memory is faster than from a
	// stream (no read-ahead buffer between the decoder and the body).
	raw := pages.Get().(*bytes.Buffer)
	if size > 0 && size < lookahead {
		raw.Grow(int(size) + 1)
	}
	_, err := raw.ReadFrom(io.LimitReader(body, lookahead))
	if err != nil || raw.Len() >= lookahead || !atEOF(io.TeeReader(body, raw)) {
		// Too long (or cut short): stream it through the injector. The held
		// bytes go with the stream, so raw is not pooled again.
		return stream(io.MultiReader(bytes.NewReader(raw.Bytes()), body), body, c, sel, snippet)
	}
	page := pages.Get().(*bytes.Buffer)
	defer putPage(page)
	if err := c.unpack(bytes.NewReader(raw.Bytes()), page, maxPage); err != nil || page.Len() >= maxPage {
		// Undecodable, or decoding to more than maxPage: the stream reports
		// the error, or injects as the page goes.
		return stream(bytes.NewReader(raw.Bytes()), body, c, sel, snippet)
	}
	began, at := findAnchor(page.Bytes(), sel)
	if at < 0 {
		return rewritten{body: &pooledBody{Reader: bytes.NewReader(raw.Bytes()), body: body, buf: raw}, length: int64(raw.Len()), unchanged: true}, nil
	}
	putPage(raw)
	out := pages.Get().(*bytes.Buffer)
	if err := packWith(c, out, page, began, at, snippet); err != nil {
		putPage(out)
		return rewritten{}, err
	}
	return rewritten{body: &pooledBody{Reader: bytes.NewReader(out.Bytes()), body: body, buf: out}, length: int64(out.Len())}, nil
}

// packWith compresses page with snippet inserted at at, with c; for gzip,
// the parts before began (where the element the links go after begins) and
// after at are compressed apart and may be reused, and the page is not put
// together (see packGzipSplit).
func packWith(c codec, dst, page *bytes.Buffer, began, at int, snippet []byte) error {
	if c.packSplit != nil {
		return c.packSplit(dst, page.Bytes(), began, at, snippet)
	}
	// The snippet goes in place: the page buffer has room to spare, or grows once.
	n := page.Len()
	page.Write(snippet)
	b := page.Bytes()
	copy(b[at+len(snippet):], b[at:n])
	copy(b[at:], snippet)
	return c.pack(dst, b)
}

// rewritePlain is rewrite for an identity body: no decoding, and the page is
// held in a pooled buffer that goes back to the pool when the body is closed.
func rewritePlain(body io.ReadCloser, size int64, sel selector, snippet []byte) (rewritten, error) {
	buf := pages.Get().(*bytes.Buffer)
	if size > 0 && size < lookahead {
		buf.Grow(int(size) + 1)
	}
	_, err := buf.ReadFrom(io.LimitReader(body, lookahead))
	if err != nil || buf.Len() >= lookahead || !atEOF(io.TeeReader(body, buf)) {
		// Too long (or cut short): stream it through the injector.
		held := buf.Bytes()
		return rewritten{body: &pooledBody{Reader: newInjector(io.MultiReader(bytes.NewReader(held), body), sel, snippet), body: body, buf: buf}, length: -1}, nil
	}
	page := buf.Bytes()
	_, at := findAnchor(page, sel)
	if at < 0 {
		return rewritten{body: &pooledBody{Reader: bytes.NewReader(page), body: body, buf: buf}, length: int64(len(page)), unchanged: true}, nil
	}
	r := io.MultiReader(bytes.NewReader(page[:at]), bytes.NewReader(snippet), bytes.NewReader(page[at:]))
	return rewritten{body: &pooledBody{Reader: r, body: body, buf: buf}, length: int64(len(page) + len(snippet))}, nil
}

var pages = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// pooledBody reads a rewritten page; Close returns its buffer to the pool.
type pooledBody struct {
	io.Reader
	body io.Closer
	buf  *bytes.Buffer
}

func (b *pooledBody) Close() error {
	err := b.body.Close()
	if b.buf != nil {
		putPage(b.buf)
	}
	b.buf, b.Reader = nil, eofReader{}
	return err
}

// putPage returns a page buffer to the pool, unless it grew too large to keep.
func putPage(buf *bytes.Buffer) {
	if buf.Cap() <= lookahead*2 {
		buf.Reset()
		pages.Put(buf)
	}
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// atEOF tells whether r has nothing more to give.
func atEOF(r io.Reader) bool {
	var b [1]byte
	n, err := r.Read(b[:])
	return n == 0 && err == io.EOF
}

// stream rewrites a body too long to hold: the injector runs as it arrives.
func stream(src io.Reader, body io.Closer, c codec, sel selector, snippet []byte) (rewritten, error) {
	plain, err := c.decode(src)
	if err != nil {
		return rewritten{}, fmt.Errorf("decode upstream body: %w", err)
	}
	in := newInjector(plain, sel, snippet)
	if c.encode == nil {
		return rewritten{body: struct {
			io.Reader
			io.Closer
		}{in, body}, length: -1}, nil
	}
	pr, pw := io.Pipe()
	go func() {
		zw := c.encode(pw)
		_, err := io.Copy(zw, in)
		if cerr := zw.Close(); err == nil {
			err = cerr
		}
		plain.Close()
		pw.CloseWithError(err)
	}()
	return rewritten{body: struct {
		io.Reader
		io.Closer
	}{pr, closeBoth{pr, body}}, length: -1}, nil
}

type closeBoth struct{ a, b io.Closer }

func (c closeBoth) Close() error {
	c.a.Close()
	return c.b.Close()
}
