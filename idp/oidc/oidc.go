package oidc

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Config configures a relying party.
type Config struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	Scopes       []string
	// UserClaim names the ID token claim that identifies the user in the directory.
	UserClaim string
	// RedirectURL is frontdoor's callback (public URL + prefix + signin/callback).
	RedirectURL string
	// HTTPClient talks to the provider (its CA); http.DefaultClient when nil.
	HTTPClient *http.Client
	// State keeps the sign-in in progress in the browser.
	State idp.BrowserState
	// Once reports whether key is seen for the first time (store-backed, so a
	// state is used once across replicas); nil skips the check.
	Once func(ctx context.Context, key string) (bool, error)
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// RP is an OIDC relying party. It implements idp.SignIn and idp.SignOuter.
type RP struct {
	cfg        Config
	oauth      oauth2.Config
	verifier   *gooidc.IDTokenVerifier
	endSession string
	ctx        context.Context // carries the HTTP client, for key set refreshes
}

var (
	_ idp.SignIn    = (*RP)(nil)
	_ idp.SignOuter = (*RP)(nil)
)

// skew is the clock difference allowed between frontdoor and the provider.
const skew = time.Minute

// New reads the provider's discovery document and returns the relying party.
func New(ctx context.Context, c Config) (*RP, error) {
	if c.HTTPClient == nil {
		c.HTTPClient = http.DefaultClient
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.State == nil {
		return nil, errors.New("oidc: no browser state")
	}
	long := gooidc.ClientContext(context.WithoutCancel(ctx), c.HTTPClient)
	p, err := gooidc.NewProvider(long, c.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc: discovery at %s: %w", c.Issuer, err)
	}
	var extra struct {
		EndSession string   `json:"end_session_endpoint"`
		Methods    []string `json:"code_challenge_methods_supported"`
	}
	if err := p.Claims(&extra); err != nil {
		return nil, fmt.Errorf("oidc: discovery: %w", err)
	}
	rp := &RP{cfg: c, ctx: long, endSession: extra.EndSession,
		oauth: oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: c.RedirectURL, Scopes: c.Scopes},
		verifier: p.VerifierContext(long, &gooidc.Config{ClientID: c.ClientID, Now: c.Now}),
	}
	return rp, nil
}

// pending is what the browser keeps between Start and Finish.
type pending struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	ReturnTo string `json:"r"`
	MaxAge   int64  `json:"m,omitempty"` // seconds; 0: any sign-in
	Silent   bool   `json:"q,omitempty"`
}

// Start redirects the browser to the provider's authorization endpoint.
func (rp *RP) Start(w http.ResponseWriter, r *http.Request, req idp.SignInRequest) error {
	p := pending{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), ReturnTo: req.ReturnTo,
		MaxAge: int64(req.MaxAge / time.Second), Silent: req.Silent}
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(p.Verifier), gooidc.Nonce(p.Nonce)}
	if p.MaxAge > 0 {
		opts = append(opts, oauth2.SetAuthURLParam("max_age", strconv.FormatInt(p.MaxAge, 10)))
	}
	if req.Silent {
		opts = append(opts, oauth2.SetAuthURLParam("prompt", "none"))
	}
	if err := rp.cfg.State.Put(w, p); err != nil {
		return err
	}
	http.Redirect(w, r, rp.oauth.AuthCodeURL(p.State, opts...), http.StatusSeeOther)
	return nil
}

// Finish checks the callback: the state against the browser's, the code
// exchanged with the PKCE verifier, the ID token's signature, issuer,
// audience, expiry and nonce, auth_time against max_age, and returns the
// configured claim.
func (rp *RP) Finish(w http.ResponseWriter, r *http.Request) (idp.Identity, error) {
	var p pending
	if err := rp.cfg.State.Take(w, r, &p); err != nil {
		return idp.Identity{}, fmt.Errorf("%w: %w", idp.ErrSignIn, err)
	}
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(p.State)) != 1 {
		return idp.Identity{}, fmt.Errorf("%w: state does not match this browser's", idp.ErrSignIn)
	}
	ctx := r.Context()
	if rp.cfg.Once != nil {
		first, err := rp.cfg.Once(ctx, "oidc-state:"+p.State)
		if err != nil {
			return idp.Identity{}, err
		}
		if !first {
			return idp.Identity{}, fmt.Errorf("%w: state used already", idp.ErrSignIn)
		}
	}
	if e := q.Get("error"); e != "" {
		return idp.Identity{ReturnTo: p.ReturnTo, Silent: p.Silent}, fmt.Errorf("%w: the provider answered %q", idp.ErrSignIn, e)
	}
	code := q.Get("code")
	if code == "" {
		return idp.Identity{}, fmt.Errorf("%w: no code", idp.ErrSignIn)
	}
	tok, err := rp.oauth.Exchange(gooidc.ClientContext(ctx, rp.cfg.HTTPClient), code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return idp.Identity{}, fmt.Errorf("%w: code exchange: %w", idp.ErrSignIn, err)
		}
		return idp.Identity{}, fmt.Errorf("%w: code exchange: %w", idp.ErrUnavailable, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return idp.Identity{}, fmt.Errorf("%w: no id_token in the token response", idp.ErrSignIn)
	}
	return rp.verify(ctx, raw, p)
}

func (rp *RP) verify(ctx context.Context, raw string, p pending) (idp.Identity, error) {
	tok, err := rp.verifier.Verify(ctx, raw)
	if err != nil {
		return idp.Identity{}, fmt.Errorf("%w: id token: %w", idp.ErrSignIn, err)
	}
	if subtle.ConstantTimeCompare([]byte(tok.Nonce), []byte(p.Nonce)) != 1 {
		return idp.Identity{}, fmt.Errorf("%w: id token nonce does not match", idp.ErrSignIn)
	}
	claims := map[string]any{}
	if err := tok.Claims(&claims); err != nil {
		return idp.Identity{}, fmt.Errorf("%w: id token claims: %w", idp.ErrSignIn, err)
	}
	var authTime time.Time
	if at, ok := claims["auth_time"].(float64); ok && at > 0 {
		authTime = time.Unix(int64(at), 0)
	}
	if p.MaxAge > 0 {
		// max_age asks the provider for a fresh sign-in; auth_time shows it happened.
		if authTime.IsZero() {
			return idp.Identity{}, fmt.Errorf("%w: max_age was asked but the id token has no auth_time", idp.ErrSignIn)
		}
		if rp.cfg.Now().Sub(authTime) > time.Duration(p.MaxAge)*time.Second+skew {
			return idp.Identity{}, fmt.Errorf("%w: auth_time %s is older than max_age %ds", idp.ErrSignIn, authTime.UTC().Format(time.RFC3339), p.MaxAge)
		}
	}
	if authTime.IsZero() {
		authTime = tok.IssuedAt
	}
	login, _ := claims[rp.cfg.UserClaim].(string)
	if login == "" {
		return idp.Identity{}, fmt.Errorf("%w: the id token has no %s claim", idp.ErrSignIn, rp.cfg.UserClaim)
	}
	return idp.Identity{Login: login, AuthTime: authTime, ReturnTo: p.ReturnTo, Protocol: "oidc", Token: raw, Silent: p.Silent}, nil
}

// SignOutURL is the provider's end_session_endpoint with the ID token as
// hint and after as post_logout_redirect_uri, or "" when the provider has
// none.
func (rp *RP) SignOutURL(id idp.Identity, after string) string {
	if rp.endSession == "" {
		return ""
	}
	u, err := url.Parse(rp.endSession)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("client_id", rp.cfg.ClientID)
	if id.Token != "" {
		q.Set("id_token_hint", id.Token)
	}
	if after != "" {
		q.Set("post_logout_redirect_uri", after)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func random() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
