package server

import (
	"net/http"
	"net/url"
	"testing"
)

// BenchmarkIdentify measures the identify step (CAPTCHA, lookup,
// eligibility, padding to the floor) for a known account and for an unknown
// user ID, side by side: in generic mode the two must not be told apart by
// time. Results and the command are in docs/benchmarks.md.
//
//	go test -run XXX -bench Identify -count 5 ./server/
func BenchmarkIdentify(b *testing.B) {
	for _, login := range []string{"alice", "nosuchuser", "admin1", "nocontact"} {
		b.Run(login, func(b *testing.B) {
			fd := startFrontdoor(b, nil) // a store of its own: the per-IP identify limit starts afresh
			for b.Loop() {
				b.StopTimer()
				c := browser(b)
				_, _, body := page(b, c, "GET", fd.URL+"/.frontdoor/reset", nil)
				form := url.Values{"csrf_token": {csrf(b, body)}, "login": {login}, "captcha": {fd.captchaAnswer(b, c, "reset")}}
				nf := *c
				nf.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
				b.StartTimer()
				resp, err := nf.PostForm(fd.URL+"/.frontdoor/reset/identify", form)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusSeeOther {
					b.Fatalf("identify: %d", resp.StatusCode)
				}
			}
		})
	}
}
