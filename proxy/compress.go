package proxy

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// With Options.CompressSignIn, a sign-in page is asked of the upstream
// uncompressed and frontdoor compresses it after injecting: nginx's
// sub_filter does the same. Decoding the upstream's gzip costs about as much
// as encoding it again, so this halves the work of a compressed sign-in page.

type outEncodingKey struct{}

// askIdentity, on a GET of a sign-in page from a client that accepts gzip or
// br, asks the upstream for the page uncompressed and notes the encoding the
// client gets in the request it returns.
func (p *Proxy) askIdentity(out, in *http.Request) *http.Request {
	if !p.opt.CompressSignIn || in.Method != http.MethodGet || !p.signIn.match(in.URL.Path) {
		return out
	}
	enc := acceptedEncoding(in.Header.Values("Accept-Encoding"))
	if enc == "" {
		return out
	}
	out.Header.Set("Accept-Encoding", "identity")
	return out.WithContext(context.WithValue(out.Context(), outEncodingKey{}, enc))
}

// outEncoding is the encoding askIdentity chose for the request, or "".
func outEncoding(out *http.Request) string {
	enc, _ := out.Context().Value(outEncodingKey{}).(string)
	return enc
}

// acceptedEncoding returns "gzip" when the Accept-Encoding values accept it
// (it is the fastest to encode), else "br" when they accept that, else "".
func acceptedEncoding(values []string) string {
	q := map[string]bool{}
	star := false
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			name = strings.ToLower(strings.TrimSpace(name))
			ok := true
			if k, val, found := strings.Cut(strings.TrimSpace(params), "="); found && strings.TrimSpace(k) == "q" {
				f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				ok = err == nil && f > 0
			}
			if name == "*" {
				star = ok
				continue
			}
			q[name] = ok
		}
	}
	for _, enc := range []string{"gzip", "br"} {
		if ok, listed := q[enc]; ok || (!listed && star) {
			return enc
		}
	}
	return ""
}

// rewriteCompressed injects the links into an uncompressed sign-in page and
// compresses it with enc. A page without the anchor, or too long to hold,
// goes as the upstream sent it, uncompressed.
func (p *Proxy) rewriteCompressed(resp *http.Response, enc string) error {
	req := resp.Request
	h := resp.Header
	h.Add("Vary", "Accept-Language")
	buf := pages.Get().(*bytes.Buffer)
	if resp.ContentLength > 0 && resp.ContentLength < lookahead {
		buf.Grow(int(resp.ContentLength) + 1)
	}
	body := resp.Body
	_, err := buf.ReadFrom(io.LimitReader(body, lookahead))
	if err != nil || buf.Len() >= lookahead || !atEOF(io.TeeReader(body, buf)) {
		resp.Body = &pooledBody{Reader: newInjector(io.MultiReader(bytes.NewReader(buf.Bytes()), body), p.sel, p.opt.Snippet(req, req.URL.RequestURI())), body: body}
		resp.ContentLength = -1
		h.Del("Content-Length")
		h.Del("Content-MD5")
		h.Del("ETag")
		return nil
	}
	began, at := findAnchor(buf.Bytes(), p.sel)
	if at < 0 {
		resp.Body = &pooledBody{Reader: bytes.NewReader(buf.Bytes()), body: body, buf: buf}
		return nil
	}
	out := pages.Get().(*bytes.Buffer)
	err = packWith(codecs[enc], out, buf, began, at, p.opt.Snippet(req, req.URL.RequestURI()))
	putPage(buf)
	if err != nil {
		putPage(out)
		return err
	}
	resp.Body = &pooledBody{Reader: bytes.NewReader(out.Bytes()), body: body, buf: out}
	resp.ContentLength = int64(out.Len())
	h.Set("Content-Length", strconv.Itoa(out.Len()))
	h.Set("Content-Encoding", enc)
	h.Add("Vary", "Accept-Encoding")
	h.Del("Content-MD5")
	h.Del("ETag")
	return nil
}
