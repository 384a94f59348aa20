package proxy

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

const signInPage = `<!DOCTYPE html><html><head><title>Sign in</title></head><body>` +
	`<form id="login-form" method="post"><input name="username"><input name="password" type="password"></form>` +
	`<p class="help">help</p></body></html>`

func encode(t *testing.T, enc string, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch enc {
	case "":
		return []byte(s)
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "deflate":
		w, _ = flate.NewWriter(&buf, flate.BestSpeed)
	case "br":
		w = brotli.NewWriter(&buf)
	}
	io.WriteString(w, s)
	w.Close()
	return buf.Bytes()
}

func decode(t *testing.T, enc string, b []byte) string {
	t.Helper()
	c, ok := codecFor(enc)
	if !ok {
		t.Fatalf("no codec %q", enc)
	}
	r, err := c.decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", enc, err)
	}
	return string(out)
}

func signInUpstream(t *testing.T, page string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		enc := r.URL.Query().Get("enc")
		body := encode(t, enc, page)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'nonce-abc'")
		w.Header().Set("ETag", `"page-v1"`)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if enc != "" {
			w.Header().Set("Content-Encoding", enc)
		}
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestInjectionForEachEncoding(t *testing.T) {
	up := signInUpstream(t, signInPage)
	p := newTestProxy(t, up, nil)
	for _, enc := range []string{"", "gzip", "deflate", "br"} {
		t.Run("encoding="+enc, func(t *testing.T) {
			resp, b := fetch(t, "GET", p.srv.URL+"/page.html?enc="+enc, nil, http.Header{"Accept-Encoding": {"gzip, deflate, br"}})
			if got := resp.Header.Get("Content-Encoding"); got != enc {
				t.Errorf("Content-Encoding %q, want %q kept", got, enc)
			}
			page := decode(t, enc, b)
			link := `<a href="/.frontdoor/reset?return_to=%2Fpage.html%3Fenc%3D` + enc + `">Forgot my password</a>`
			want := strings.Replace(signInPage, `</form>`, `</form>`+link, 1)
			if page != want {
				t.Errorf("page:\n got  %s\n want %s", page, want)
			}
			if resp.Header.Get("ETag") != "" {
				t.Error("ETag of the upstream representation kept on a changed body")
			}
			if cl := resp.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(b)) {
				t.Errorf("Content-Length %s for %d bytes", cl, len(b))
			}
			if got := resp.Header.Get("Content-Security-Policy"); got != "default-src 'self'; script-src 'nonce-abc'" {
				t.Errorf("upstream CSP changed: %q", got)
			}
			if strings.Contains(page, "<script") || strings.Contains(page, " style=") {
				t.Error("injected markup needs CSP allowances (inline script or style)")
			}
		})
	}
}

func TestNoInjectionOutsideSignInPages(t *testing.T) {
	up := signInUpstream(t, signInPage)
	p := newTestProxy(t, up, nil)
	_, b := fetch(t, "GET", p.srv.URL+"/other.html", nil, nil)
	if string(b) != signInPage {
		t.Errorf("page outside sign_in_paths changed: %s", b)
	}
	_, b = fetch(t, "HEAD", p.srv.URL+"/page.html", nil, nil)
	if len(b) != 0 {
		t.Errorf("HEAD got a body")
	}
}

func TestSignInPageWithoutAnchorPassesUnchanged(t *testing.T) {
	page := strings.Replace(signInPage, "login-form", "other-form", 1)
	up := signInUpstream(t, page)
	p := newTestProxy(t, up, nil)
	_, b := fetch(t, "GET", p.srv.URL+"/page.html", nil, nil)
	if string(b) != page {
		t.Errorf("page without anchor changed:\n got  %q\n want %q", b, page)
	}
}

func TestSignInPageWithoutAnchorKeepsEveryByte(t *testing.T) {
	page := strings.Replace(signInPage, "login-form", "other-form", 1)
	up := signInUpstream(t, page)
	p := newTestProxy(t, up, nil)
	for _, enc := range []string{"", "gzip", "deflate", "br"} {
		direct, db := fetch(t, "GET", up.URL+"/page.html?enc="+enc, nil, nil)
		proxied, pb := fetch(t, "GET", p.srv.URL+"/page.html?enc="+enc, nil, nil)
		if !bytes.Equal(db, pb) {
			t.Errorf("%q: body changed", enc)
		}
		for _, h := range []string{"ETag", "Content-Length", "Content-Encoding"} {
			if direct.Header.Get(h) != proxied.Header.Get(h) {
				t.Errorf("%q: %s %q became %q", enc, h, direct.Header.Get(h), proxied.Header.Get(h))
			}
		}
	}
}

func TestLongSignInPageIsStreamed(t *testing.T) {
	// ~2.5 MB each side: over the lookahead, and decoded over maxPage even when gzip shrinks it.
	filler := strings.Repeat("<p>filler text for a long page</p>\n", 70000)
	page := `<html><body>` + filler + `<form id="login-form"></form>` + filler + `</body></html>`
	up := signInUpstream(t, page)
	p := newTestProxy(t, up, nil)
	for _, enc := range []string{"", "gzip"} {
		resp, b := fetch(t, "GET", p.srv.URL+"/page.html?enc="+enc, nil, http.Header{"Accept-Encoding": {"gzip"}})
		got := decode(t, enc, b)
		if !strings.Contains(got, `<form id="login-form"></form><a href="/.frontdoor/reset?return_to=`) || len(got) < len(page) {
			t.Errorf("%q: long page not injected (%d bytes)", enc, len(got))
		}
		if resp.ContentLength != -1 {
			t.Errorf("%q: a streamed page has Content-Length %d", enc, resp.ContentLength)
		}
	}
}
