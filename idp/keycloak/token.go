package keycloak

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// tokenSource gets the service account's access token with the client
// credentials grant and keeps it until shortly before it expires. One fetch
// runs at a time; callers waiting meanwhile reuse its token.
type tokenSource struct {
	hc       *http.Client
	endpoint string
	id       string
	secret   string
	now      func() time.Time

	mu  sync.Mutex
	tok string
	exp time.Time
}

// token returns a valid access token, fetching a new one when needed.
func (s *tokenSource) token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != "" && s.now().Before(s.exp) {
		return s.tok, nil
	}
	tok, life, err := s.fetch(ctx)
	if err != nil {
		return "", err
	}
	// Renew a little early, so a token does not expire in flight.
	margin := min(30*time.Second, life/4)
	s.tok, s.exp = tok, s.now().Add(life-margin)
	return tok, nil
}

// invalidate drops tok if it is still the cached token (Keycloak refused
// it: revoked, or the server lost its keys).
func (s *tokenSource) invalidate(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok == tok {
		s.tok = ""
	}
}

func (s *tokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, fmt.Errorf("keycloak: token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	// RFC 6749 section 2.3.1: the client ID and secret are form-encoded
	// before they go into the Basic credentials.
	req.SetBasicAuth(url.QueryEscape(s.id), url.QueryEscape(s.secret))
	resp, err := s.hc.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("keycloak: token request: %w: %w", idp.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", 0, fmt.Errorf("keycloak: token response: %w: %w", idp.ErrUnavailable, err)
	}
	if resp.StatusCode != http.StatusOK {
		// The OAuth error code only (invalid_client, unauthorized_client):
		// it carries no secret.
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		return "", 0, fmt.Errorf("keycloak: token request for client %q: HTTP %d %s: %w",
			s.id, resp.StatusCode, e.Error, idp.ErrUnavailable)
	}
	var t struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &t); err != nil || t.AccessToken == "" {
		return "", 0, fmt.Errorf("keycloak: token response without an access token: %w", idp.ErrUnavailable)
	}
	life := time.Duration(t.ExpiresIn) * time.Second
	if life <= 0 {
		life = time.Minute
	}
	return t.AccessToken, life, nil
}
