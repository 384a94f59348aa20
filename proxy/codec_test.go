package proxy

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestPooledCodecsUnderLoad rewrites a 50 KB page in every encoding from
// several goroutines at once, so pooled compressors and decompressors are
// reused across requests, and checks each page decodes to the injected page.
func TestPooledCodecsUnderLoad(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<html><body><form id="login-form"><input name="u"></form>`)
	for i := 0; b.Len() < 50<<10; i++ {
		fmt.Fprintf(&b, "<p class=\"c%d\">line %d of the page, with some text that repeats</p>\n", i%13, i)
	}
	b.WriteString(`</body></html>`)
	page := b.String()
	up := signInUpstream(t, page)
	p := newTestProxy(t, up, func(o *Options) { o.Observe = nil }) // the helper's recorder is for one goroutine
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				for _, enc := range []string{"", "gzip", "deflate", "br"} {
					resp, body := fetch(t, "GET", p.srv.URL+"/page.html?enc="+enc, nil, http.Header{"Accept-Encoding": {"gzip, deflate, br"}})
					if got := resp.Header.Get("Content-Encoding"); got != enc {
						t.Errorf("Content-Encoding %q, want %q", got, enc)
					}
					link := `<a href="/.frontdoor/reset?return_to=%2Fpage.html%3Fenc%3D` + enc + `">Forgot my password</a>`
					if got, want := decode(t, enc, body), strings.Replace(page, `</form>`, `</form>`+link, 1); got != want {
						t.Errorf("%q: page differs after decoding (%d bytes, want %d)", enc, len(got), len(want))
					}
				}
			}
		}()
	}
	wg.Wait()
}
