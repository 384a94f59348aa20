package proxy

import (
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"strings"

	"github.com/andybalholm/brotli"
)

// codec decodes and re-encodes one Content-Encoding.
type codec struct {
	decode func(io.Reader) (io.ReadCloser, error)
	encode func(io.Writer) io.WriteCloser
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
	},
	"deflate": {
		decode: func(r io.Reader) (io.ReadCloser, error) { return flate.NewReader(r), nil },
		encode: func(w io.Writer) io.WriteCloser {
			zw, _ := flate.NewWriter(w, flate.DefaultCompression)
			return zw
		},
	},
	"br": {
		decode: func(r io.Reader) (io.ReadCloser, error) { return io.NopCloser(brotli.NewReader(r)), nil },
		encode: func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, 5) },
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

// transform returns body with the injector applied, re-encoded as it came.
func transform(body io.ReadCloser, c codec, sel selector, snippet []byte) (io.ReadCloser, error) {
	plain, err := c.decode(body)
	if err != nil {
		return nil, fmt.Errorf("decode upstream body: %w", err)
	}
	in := newInjector(plain, sel, snippet)
	if c.encode == nil {
		return struct {
			io.Reader
			io.Closer
		}{in, body}, nil
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
	return struct {
		io.Reader
		io.Closer
	}{pr, closeBoth{pr, body}}, nil
}

type closeBoth struct{ a, b io.Closer }

func (c closeBoth) Close() error {
	c.a.Close()
	return c.b.Close()
}
