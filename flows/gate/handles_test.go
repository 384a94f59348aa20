package gate_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// TestUnknownHandlesLimited (F-3): requests whose flow cookie names no flow
// are sent to the start page, 20 per client address per 10 minutes and 300
// a minute from all addresses together; past either limit they get 429
// with Retry-After, and the first refusal of a window
// is an audit event. A request without a flow cookie is never counted.
func TestUnknownHandlesLimited(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Reset(config.Reset{})
	browser := func(ip string) *flowtest.Browser {
		b := env.Browser()
		b.IP = ip
		b.NoRedirects()
		return b
	}
	guess := func(b *flowtest.Browser) flowtest.Page {
		b.SetCookie("frontdoor_reset", store.NewID())
		return b.Get("/.frontdoor/reset/step")
	}

	plain := browser("192.0.2.1")
	for range 25 {
		if p := plain.Get("/.frontdoor/reset/step"); p.Status != http.StatusSeeOther {
			t.Fatalf("no flow cookie: status %d, want 303 to the start", p.Status)
		}
	}
	b := browser("192.0.2.1")
	for i := range 20 {
		if p := guess(b); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/.frontdoor/reset" {
			t.Fatalf("unknown handle %d: status %d to %q, want 303 to the start", i+1, p.Status, p.Header.Get("Location"))
		}
	}
	for i := range 2 {
		p := guess(b)
		if p.Status != http.StatusTooManyRequests || p.Header.Get("Retry-After") == "" {
			t.Fatalf("unknown handle %d from one address: status %d, Retry-After %q; want 429 with one", 21+i, p.Status, p.Header.Get("Retry-After"))
		}
		if c := p.Header.Get("Set-Cookie"); strings.Contains(c, "frontdoor_reset") {
			t.Fatalf("the refusal touched the flow cookie, which a newer one may have replaced: Set-Cookie %q", c)
		}
	}
	if evs := env.Events(audit.Blocked); len(evs) != 1 || evs[0].Detail["limit"] != "unknown_flow_ip" {
		t.Fatalf("audit %+v; want one refusal of the address", evs)
	}

	// 20 guesses counted against all addresses; 280 more from others go
	// through, the next is refused whatever its address.
	for i := range 280 {
		if p := guess(browser(fmt.Sprintf("198.51.%d.%d", i/200, i%200+1))); p.Status != http.StatusSeeOther {
			t.Fatalf("guess %d from a fresh address: status %d", 21+i, p.Status)
		}
	}
	if p := guess(browser("203.0.113.9")); p.Status != http.StatusTooManyRequests {
		t.Fatalf("guess 301 in a minute: status %d, want 429", p.Status)
	}
	if evs := env.Events(audit.Blocked); len(evs) != 2 || evs[0].Detail["limit"] != "unknown_flow_all" { // newest first
		t.Fatalf("audit %+v; want the global refusal after the address's", evs)
	}
	// A real flow is not held up by either limit.
	p := env.Identify(env.Browser(), "reset", "alice")
	env.Expect(p, 200, "reset.method.email")
}

// TestUnknownHandlesCountedEverywhere: the CAPTCHA's image and sound count
// as the step pages do, and the addresses of one IPv6 /64 count as one.
func TestUnknownHandlesCountedEverywhere(t *testing.T) {
	env := flowtest.New(t)
	env.Reset(config.Reset{})
	statuses := map[int]int{}
	for i := range 21 {
		b := env.Browser()
		b.IP = fmt.Sprintf("2001:db8:1:2::%x", i+1) // one /64
		b.NoRedirects()
		b.SetCookie("frontdoor_reset", store.NewID())
		path := "/.frontdoor/reset/captcha.png"
		if i%2 == 1 {
			path = "/.frontdoor/reset/captcha.wav"
		}
		statuses[b.Get(path).Status]++
	}
	if statuses[http.StatusNotFound] != 20 || statuses[http.StatusTooManyRequests] != 1 {
		t.Fatalf("statuses %v: want 20 answered 404 and the 21st from the same /64 refused", statuses)
	}
	other := env.Browser()
	other.IP = "2001:db8:1:3::1"
	other.NoRedirects()
	other.SetCookie("frontdoor_reset", store.NewID())
	if p := other.Get("/.frontdoor/reset/captcha.png"); p.Status != http.StatusNotFound {
		t.Fatalf("another /64: status %d", p.Status)
	}
}
