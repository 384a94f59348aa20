package oidc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/session"
)

// provider is an in-process OpenID provider (a test double for the unit
// tests; the end-to-end tests in server use Keycloak): discovery, keys, and a
// token endpoint that checks the PKCE verifier and returns the ID token the
// case builds.
type provider struct {
	srv       *httptest.Server
	key, evil *rsa.PrivateKey
	// token is called with the nonce of the authorization request.
	claims    func(nonce string) map[string]any
	challenge string
	nonce     string
	signWith  *rsa.PrivateKey
}

func newProvider(t *testing.T) *provider {
	p := &provider{}
	p.key, _ = rsa.GenerateKey(rand.Reader, 2048)
	p.evil, _ = rsa.GenerateKey(rand.Reader, 2048)
	mux := http.NewServeMux()
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	iss := p.srv.URL
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": iss, "authorization_endpoint": iss + "/auth",
			"token_endpoint": iss + "/token", "jwks_uri": iss + "/keys", "end_session_endpoint": iss + "/logout",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if r.PostFormValue("code") != "the-code" || base64.RawURLEncoding.EncodeToString(sum[:]) != p.challenge {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		key := p.key
		if p.signWith != nil {
			key = p.signWith
		}
		signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
		payload, _ := json.Marshal(p.claims(p.nonce))
		obj, _ := signer.Sign(payload)
		raw, _ := obj.CompactSerialize()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "id_token": raw})
	})
	return p
}

func (p *provider) good(nonce string) map[string]any {
	now := time.Now()
	return map[string]any{"iss": p.srv.URL, "aud": "frontdoor", "sub": "s1", "exp": now.Add(time.Minute).Unix(),
		"iat": now.Unix(), "nonce": nonce, "auth_time": now.Add(-30 * time.Second).Unix(), "preferred_username": "alice"}
}

func TestFinish(t *testing.T) {
	p := newProvider(t)
	m, _ := session.New(session.Options{Keys: [][]byte{make([]byte, 32)}})
	used := map[string]bool{}
	rp, err := New(context.Background(), Config{Issuer: p.srv.URL, ClientID: "frontdoor", ClientSecret: "s",
		Scopes: []string{"openid"}, UserClaim: "preferred_username", RedirectURL: "http://fd/cb",
		State: m.Pending("oidc", false), Once: func(_ context.Context, k string) (bool, error) {
			first := !used[k]
			used[k] = true
			return first, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	with := func(f func(c map[string]any)) func(string) map[string]any {
		return func(n string) map[string]any { c := p.good(n); f(c); return c }
	}
	cases := []struct {
		name   string
		claims func(string) map[string]any
		maxAge time.Duration
		state  func(string) string
		evil   bool
		ok     bool
	}{
		{name: "good", claims: p.good, ok: true},
		{name: "good with max_age", claims: p.good, maxAge: time.Minute, ok: true},
		{name: "nonce", claims: with(func(c map[string]any) { c["nonce"] = "other" })},
		{name: "audience", claims: with(func(c map[string]any) { c["aud"] = "another-client" })},
		{name: "issuer", claims: with(func(c map[string]any) { c["iss"] = "https://evil.example" })},
		{name: "expired", claims: with(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() })},
		{name: "signature", claims: p.good, evil: true},
		{name: "old sign-in", claims: with(func(c map[string]any) { c["auth_time"] = time.Now().Add(-time.Hour).Unix() }), maxAge: 5 * time.Minute},
		{name: "no auth_time", claims: with(func(c map[string]any) { delete(c, "auth_time") }), maxAge: 5 * time.Minute},
		{name: "no user claim", claims: with(func(c map[string]any) { delete(c, "preferred_username") })},
		{name: "state", claims: p.good, state: func(s string) string { return s + "x" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if err := rp.Start(w, httptest.NewRequest("GET", "/signin", nil), idp.SignInRequest{ReturnTo: "/.frontdoor/change", MaxAge: tc.maxAge}); err != nil {
				t.Fatal(err)
			}
			loc, _ := url.Parse(w.Header().Get("Location"))
			q := loc.Query()
			if q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" || q.Get("state") == "" {
				t.Fatalf("authorization request %s lacks PKCE, nonce or state", loc)
			}
			if tc.maxAge > 0 && q.Get("max_age") != "60" && q.Get("max_age") != "300" {
				t.Errorf("max_age = %q", q.Get("max_age"))
			}
			p.challenge, p.nonce, p.claims = q.Get("code_challenge"), q.Get("nonce"), tc.claims
			p.signWith = nil
			if tc.evil {
				p.signWith = p.evil
			}
			state := q.Get("state")
			if tc.state != nil {
				state = tc.state(state)
			}
			cb := httptest.NewRequest("GET", "/cb?"+url.Values{"code": {"the-code"}, "state": {state}}.Encode(), nil)
			for _, c := range w.Result().Cookies() {
				cb.AddCookie(c)
			}
			id, err := rp.Finish(httptest.NewRecorder(), cb)
			if tc.ok {
				if err != nil || id.Login != "alice" || id.ReturnTo != "/.frontdoor/change" || id.Token == "" {
					t.Fatalf("Finish = %+v, %v", id, err)
				}
				// The same answer again: the state is spent.
				if _, err := rp.Finish(httptest.NewRecorder(), cb); !errors.Is(err, idp.ErrSignIn) {
					t.Errorf("replayed callback: %v, want ErrSignIn", err)
				}
				return
			}
			if !errors.Is(err, idp.ErrSignIn) {
				t.Errorf("Finish = %+v, %v; want ErrSignIn", id, err)
			}
		})
	}
	so := rp.SignOutURL(idp.Identity{Token: "tok"}, "http://fd/signedout")
	u, _ := url.Parse(so)
	if u.Path != "/logout" || u.Query().Get("id_token_hint") != "tok" || u.Query().Get("post_logout_redirect_uri") != "http://fd/signedout" {
		t.Errorf("SignOutURL = %s", so)
	}
}
