package gate_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/returnto"
)

// TestOfferCarriesTheSignInPage: the offered flow carries the page to
// return to in its cookie; one too long for a cookie is dropped (the flow
// then returns to the site's root) rather than stored or refused.
func TestOfferCarriesTheSignInPage(t *testing.T) {
	for _, tc := range []struct {
		name, returnTo string
		kept           bool
	}{
		{"short", "/login?AuthState=" + strings.Repeat("a", 100), true},
		{"long", "/login?AuthState=" + strings.Repeat("b", 2000), true},
		{"longest", "/login?AuthState=" + strings.Repeat("c", returnto.MaxLen-17), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := flowtest.New(t)
			env.AddUser("alice")
			env.Reset(config.Reset{})
			b := env.Browser()
			p := b.Get(flowtest.Prefix + "reset?return_to=" + url.QueryEscape(tc.returnTo))
			env.Expect(p, 200, "reset.identify.login")
			if c := b.Cookie("frontdoor_reset"); len(c) > 4000 {
				t.Fatalf("the offer cookie is %d bytes", len(c))
			}
			var s struct {
				ReturnTo string `json:"return_to"`
			}
			env.State(b, "reset", &s)
			if got := s.ReturnTo == tc.returnTo; got != tc.kept {
				t.Fatalf("return_to kept: %v, want %v (%d characters)", got, tc.kept, len(tc.returnTo))
			}
			env.Expect(b.Submit(p, "reset/identify", "login", "alice"), 200, "reset.method.email")
			if evs := env.Events(""); len(evs) != 2 {
				t.Fatalf("%d audit events after the first form, want 2", len(evs))
			}
		})
	}
}
