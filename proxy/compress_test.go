package proxy

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/bench/signinpage"
)

func TestAcceptedEncoding(t *testing.T) {
	for in, want := range map[string]string{
		"gzip, deflate, br":     "gzip",
		"GZIP":                  "gzip",
		"br":                    "br",
		"gzip;q=0, br":          "br",
		"br;q=0.5, gzip;q=0":    "br",
		"gzip;q=0.001":          "gzip",
		"*":                     "gzip",
		"*;q=0":                 "",
		"*, gzip;q=0, br;q=0":   "",
		"identity":              "",
		"deflate":               "",
		"":                      "",
		"zstd, br;q=1.0, *;q=0": "br",
	} {
		if got := acceptedEncoding([]string{in}); got != want {
			t.Errorf("acceptedEncoding(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCompressSignIn: with CompressSignIn, the upstream is asked for the page
// uncompressed and the client gets it compressed as it accepts, decoding to
// the same page as without the option.
func TestCompressSignIn(t *testing.T) {
	var asked atomic.Value
	up := signInUpstream(t, signInPage)
	inner := up.Config.Handler
	up.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Store(r.Header.Get("Accept-Encoding"))
		inner.ServeHTTP(w, r)
	})
	p := newTestProxy(t, up, func(o *Options) { o.CompressSignIn = true })
	link := `<a href="/.frontdoor/reset?return_to=%2Fpage.html%3Fenc%3D">Forgot my password</a>`
	want := strings.Replace(signInPage, `</form>`, `</form>`+link, 1)
	for accept, enc := range map[string]string{"gzip, deflate, br": "gzip", "br": "br", "identity": "", "": ""} {
		resp, b := fetch(t, "GET", p.srv.URL+"/page.html?enc=", nil, http.Header{"Accept-Encoding": {accept}})
		if got := resp.Header.Get("Content-Encoding"); got != enc {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", accept, got, enc)
		}
		if got := decode(t, enc, b); got != want {
			t.Errorf("Accept-Encoding %q: page\n got  %s\n want %s", accept, got, want)
		}
		if wantAsked := map[bool]string{true: "identity", false: accept}[enc != ""]; asked.Load() != wantAsked {
			t.Errorf("Accept-Encoding %q: upstream asked for %q, want %q", accept, asked.Load(), wantAsked)
		}
		if enc != "" && !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: no Vary: Accept-Encoding", accept)
		}
		if resp.Header.Get("ETag") != "" {
			t.Errorf("Accept-Encoding %q: ETag kept on a changed body", accept)
		}
	}
	// An upstream that compresses anyway: its encoding is kept, as without the option.
	resp, b := fetch(t, "GET", p.srv.URL+"/page.html?enc=br", nil, http.Header{"Accept-Encoding": {"gzip"}})
	if resp.Header.Get("Content-Encoding") != "br" || !strings.Contains(decode(t, "br", b), "Forgot my password") {
		t.Errorf("upstream's br: Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	// Pages outside sign_in_paths are asked for as the client asked.
	fetch(t, "GET", p.srv.URL+"/other.html", nil, http.Header{"Accept-Encoding": {"gzip"}})
	if asked.Load() != "gzip" {
		t.Errorf("other page: upstream asked for %q", asked.Load())
	}
}

// TestCompressSignInLongPage: a page too long to hold is streamed through the
// injector as the upstream sent it (uncompressed, as asked).
func TestCompressSignInLongPage(t *testing.T) {
	filler := strings.Repeat("<p>filler text for a long page</p>\n", 10000)
	page := `<html><body>` + filler + `<form id="login-form"></form>` + filler + `</body></html>`
	up := signInUpstream(t, page)
	p := newTestProxy(t, up, func(o *Options) { o.CompressSignIn = true })
	resp, b := fetch(t, "GET", p.srv.URL+"/page.html?enc=", nil, http.Header{"Accept-Encoding": {"gzip"}})
	if resp.Header.Get("Content-Encoding") != "" || resp.ContentLength != -1 {
		t.Errorf("Content-Encoding %q, Content-Length %d", resp.Header.Get("Content-Encoding"), resp.ContentLength)
	}
	if !strings.Contains(string(b), `<form id="login-form"></form><a href="/.frontdoor/reset?return_to=`) || len(b) < len(page) {
		t.Errorf("long page not injected (%d bytes)", len(b))
	}
}

// TestSignInPageInPartsThroughTheProxy: the 50 KB page of the benchmarks,
// whose form changes on every request as a session code makes it, goes out
// in three parts once its prefix and tail are kept; every answer, with and
// without compress_sign_in, decodes to the page with the links after the
// form.
func TestSignInPageInPartsThroughTheProxy(t *testing.T) {
	base := string(signinpage.Page(50 << 10))
	var n atomic.Int64
	pageFor := func(i int64) string {
		return strings.Replace(base, "session=7f3a9c", fmt.Sprintf("session=%06d", i), 1)
	}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := pageFor(n.Add(1))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.Header.Get("Accept-Encoding") == "gzip" {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write([]byte(encode(t, "gzip", page)))
			return
		}
		io.WriteString(w, page)
	}))
	t.Cleanup(up.Close)
	link := `<a href="/.frontdoor/reset?return_to=%2Flogin">Forgot my password</a>`
	for _, compress := range []bool{true, false} {
		p := newTestProxy(t, up, func(o *Options) { o.CompressSignIn = compress; o.SignInPaths = []string{"/login"} })
		for range 5 {
			resp, b := fetch(t, "GET", p.srv.URL+"/login", nil, http.Header{"Accept-Encoding": {"gzip"}})
			want := strings.Replace(pageFor(n.Load()), `</form>`, `</form>`+link, 1)
			if resp.Header.Get("Content-Encoding") != "gzip" || decode(t, "gzip", b) != want {
				t.Fatalf("compress_sign_in %v: the page does not decode to the upstream's with the link", compress)
			}
		}
		form := strings.Index(base, `<form id="login-form"`)
		end := strings.Index(base, `</form>`) + len(`</form>`)
		if kept.get([]byte(base[:form]), false) == nil || kept.get([]byte(base[end:]), true) == nil {
			t.Errorf("compress_sign_in %v: the part before the form or after the links is not kept", compress)
		}
	}
}
