package gate_test

import (
	"strconv"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
)

// TestCaptchaRenderLimits: one challenge is drawn, and spoken, a few times
// only; a client gets a bounded number of renders whatever the flows it
// starts. Past a limit the answer is 429 with Retry-After, and no picture.
func TestCaptchaRenderLimits(t *testing.T) {
	get := func(b *flowtest.Browser, kind string) flowtest.Page {
		return b.Get(flowtest.Prefix + "reset/captcha." + map[string]string{"image": "png", "audio": "wav"}[kind])
	}
	limited := func(t *testing.T, p flowtest.Page) {
		t.Helper()
		if p.Status != 429 {
			t.Fatalf("%s: status %d, want 429", p.URL, p.Status)
		}
		if s, err := strconv.Atoi(p.Header.Get("Retry-After")); err != nil || s < 1 {
			t.Fatalf("%s: Retry-After %q", p.URL, p.Header.Get("Retry-After"))
		}
		if ct := p.Header.Get("Content-Type"); ct == "image/png" || ct == "audio/wav" {
			t.Fatalf("%s: a limited render still served %s", p.URL, ct)
		}
	}
	for _, kind := range []string{"image", "audio"} {
		t.Run("per challenge, "+kind, func(t *testing.T) {
			env := flowtest.New(t)
			env.Captcha = true
			env.Reset(config.Reset{})
			b := env.Browser()
			env.Start(b, "reset")
			for i := range gate.CaptchaRenders {
				if p := get(b, kind); p.Status != 200 {
					t.Fatalf("render %d: status %d", i+1, p.Status)
				}
			}
			limited(t, get(b, kind))
			// A new challenge (the "new picture" link) is drawn again.
			env.Start(b, "reset")
			if p := get(b, kind); p.Status != 200 {
				t.Fatalf("a new challenge: status %d", p.Status)
			}
		})
	}
	t.Run("per client", func(t *testing.T) {
		env := flowtest.New(t)
		env.Captcha = true
		env.Reset(config.Reset{})
		b := env.Browser()
		audio := 0
		for ; audio < 100; audio++ {
			env.Start(b, "reset")
			if p := get(b, "audio"); p.Status != 200 {
				limited(t, p)
				break
			}
		}
		if audio == 0 || audio >= 100 {
			t.Fatalf("%d sounds for one client before the limit", audio)
		}
		// Another client is not limited.
		other := env.Browser()
		other.IP = "192.0.2.9"
		env.Start(other, "reset")
		if p := get(other, "audio"); p.Status != 200 {
			t.Fatalf("another client: status %d", p.Status)
		}
	})
}
