package flows

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// offered offers a flow of kind and returns a request that carries its cookie.
func offered(t *testing.T, e *Engine, kind string, s testState) (*http.Request, *http.Cookie) {
	t.Helper()
	rec := httptest.NewRecorder()
	f, err := e.Offer(rec, kind, "one", &s)
	if err != nil || !IsOffer(f) {
		t.Fatalf("Offer() = %+v, %v", f, err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly || len(cookies[0].Value) > 400 {
		t.Fatalf("offer cookie %+v", cookies)
	}
	r := httptest.NewRequest("POST", "/.frontdoor/x", nil)
	r.AddCookie(cookies[0])
	return r, cookies[0]
}

// TestOfferIsKeptOnce: an offer loads from its cookie alone, is stored by
// Keep under a handle of its own, and is kept once only.
func TestOfferIsKeptOnce(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	r, c := offered(t, e, "reset", testState{N: 7})
	var s testState
	f, err := e.Load(r, "reset", &s)
	if err != nil || s.N != 7 || !IsOffer(f) || f.Step != "one" {
		t.Fatalf("Load(offer) = %+v, %+v, %v", f, s, err)
	}
	if _, err := e.flows.Get(ctx, f.ID); err == nil {
		t.Fatal("the offer is in the store before it is kept")
	}
	if err := advanceByID(ctx, e, f.ID, []string{"one"}, func(*testState) (string, error) { return "two", nil }); !errors.Is(err, ErrNoFlow) {
		t.Fatalf("an offer advanced before it was kept: %v", err)
	}
	rec := httptest.NewRecorder()
	kept, err := e.Keep(ctx, rec, f)
	if err != nil || IsOffer(kept) || kept.ID == f.ID {
		t.Fatalf("Keep() = %+v, %v", kept, err)
	}
	if got := rec.Result().Cookies(); len(got) != 1 || StoreKey(got[0].Value) != kept.ID {
		t.Fatalf("Keep() set %+v, want the handle of the kept flow", got)
	}
	if stored, err := e.flows.Get(ctx, kept.ID); err != nil || stored.Step != "one" {
		t.Fatalf("the kept flow: %+v, %v", stored, err)
	}
	if again, err := e.Keep(ctx, httptest.NewRecorder(), kept); err != nil || again.ID != kept.ID {
		t.Fatalf("Keep(stored flow) = %+v, %v; want it as it is", again, err)
	}
	r2 := httptest.NewRequest("POST", "/.frontdoor/x", nil)
	r2.AddCookie(c)
	f2, err := e.Load(r2, "reset", &s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Keep(ctx, httptest.NewRecorder(), f2); !errors.Is(err, ErrNoFlow) {
		t.Fatalf("an offer kept twice: %v", err)
	}
}

// TestOfferSealed: an offer cannot be read as another kind, changed, or
// used after its TTL.
func TestOfferSealed(t *testing.T) {
	e, now := newEngine(t)
	r, c := offered(t, e, "reset", testState{N: 7})
	var s testState
	other := httptest.NewRequest("GET", "/", nil)
	other.AddCookie(&http.Cookie{Name: CookieName("unlock"), Value: c.Value})
	if _, err := e.Load(other, "unlock", &s); !errors.Is(err, ErrNoFlow) {
		t.Fatalf("a reset offer loaded as unlock: %v", err)
	}
	b := []byte(c.Value)
	b[len(b)-5] ^= 1
	forged := httptest.NewRequest("GET", "/", nil)
	forged.AddCookie(&http.Cookie{Name: c.Name, Value: string(b)})
	if _, err := e.Load(forged, "reset", &s); !errors.Is(err, ErrNoFlow) {
		t.Fatalf("a changed offer loaded: %v", err)
	}
	stranger := NewEngine(Options{Flows: e.flows, Limits: e.limits, Prefix: "/.frontdoor/", Now: e.now})
	if _, err := stranger.Load(r, "reset", &s); !errors.Is(err, ErrNoFlow) {
		t.Fatalf("an offer loaded with another key: %v", err)
	}
	*now = now.Add(TTL)
	if _, err := e.Load(r, "reset", &s); !errors.Is(err, ErrNoFlow) {
		t.Fatalf("an expired offer loaded: %v", err)
	}
}

// TestHostPrefixOverHTTPS: over https the flow's cookie, offered or stored,
// is __Host- prefixed (Secure, Path=/, no Domain), so a sibling subdomain
// cannot plant one.
func TestHostPrefixOverHTTPS(t *testing.T) {
	plain, _ := newEngine(t)
	e := NewEngine(Options{Flows: plain.flows, Limits: plain.limits, Prefix: "/.frontdoor/", Secure: true, Now: plain.now})
	rec := httptest.NewRecorder()
	f, err := e.Offer(rec, "reset", "one", &testState{})
	if err != nil {
		t.Fatal(err)
	}
	kept := httptest.NewRecorder()
	if _, err := e.Keep(context.Background(), kept, f); err != nil {
		t.Fatal(err)
	}
	for _, c := range append(rec.Result().Cookies(), kept.Result().Cookies()...) {
		if c.Name != "__Host-frontdoor_reset" || !c.Secure || c.Path != "/" || c.Domain != "" {
			t.Errorf("cookie %+v", c)
		}
	}
	// A cookie of the unprefixed name is not read over https.
	r := httptest.NewRequest("GET", "/.frontdoor/reset", nil)
	r.AddCookie(&http.Cookie{Name: CookieName("reset"), Value: rec.Result().Cookies()[0].Value})
	if _, err := e.Load(r, "reset", &testState{}); !errors.Is(err, ErrNoFlow) {
		t.Fatalf("an unprefixed cookie loaded over https: %v", err)
	}
}
