package keycloak

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// response is an admin API answer that the caller classifies: any status
// below 500 except 401 and 403, which do classifies itself.
type response struct {
	status int
	body   []byte
}

// apiError is Keycloak's error body: {"error": "...", "error_description": "..."},
// or {"errorMessage": "..."} from some endpoints and older versions.
type apiError struct {
	Error        string `json:"error"`
	Description  string `json:"error_description"`
	ErrorMessage string `json:"errorMessage"`
}

// key returns the message key or code of an error body.
func (e apiError) key() string {
	if e.Error != "" {
		return e.Error
	}
	return e.ErrorMessage
}

// do sends one admin API request for path (below /admin/realms/{realm}) with
// the service account's token, retrying once with a new token when Keycloak
// refuses the cached one. Transport failures, 5xx and refused tokens are
// idp.ErrUnavailable; 403 (the service account lacks a role) is
// idp.ErrRefused. Errors name the method and path, never the query (it may
// hold a login) nor the token.
func (d *Directory) do(ctx context.Context, method, path string, query url.Values, in any) (response, error) {
	op := method + " " + path
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return response{}, fmt.Errorf("keycloak: %s: %w", op, err)
		}
	}
	for attempt := 0; ; attempt++ {
		tok, err := d.tokens.token(ctx)
		if err != nil {
			return response{}, err
		}
		r, err := d.send(ctx, method, path, query, body, tok)
		if err != nil {
			return response{}, fmt.Errorf("keycloak: %s: %w: %w", op, idp.ErrUnavailable, err)
		}
		switch {
		case r.status == http.StatusUnauthorized && attempt == 0:
			d.tokens.invalidate(tok)
			continue
		case r.status == http.StatusUnauthorized:
			return r, fmt.Errorf("keycloak: %s: the service account's token was refused: %w", op, idp.ErrUnavailable)
		case r.status == http.StatusForbidden:
			return r, fmt.Errorf("keycloak: %s: forbidden: the service account needs the realm-management roles view-users and manage-users: %w", op, idp.ErrRefused)
		case r.status >= 500:
			return r, fmt.Errorf("keycloak: %s: HTTP %d: %w", op, r.status, idp.ErrUnavailable)
		}
		return r, nil
	}
}

func (d *Directory) send(ctx context.Context, method, path string, query url.Values, body []byte, tok string) (response, error) {
	u := d.admin + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := d.hc.Do(req)
	if err != nil {
		// *url.Error repeats the URL with its query: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, body: b}, nil
}

// getJSON GETs path and decodes a 200 answer into out. A 404 is
// idp.ErrNotFound; any other status is idp.ErrUnavailable.
func (d *Directory) getJSON(ctx context.Context, path string, query url.Values, out any) error {
	r, err := d.do(ctx, http.MethodGet, path, query, nil)
	if err != nil {
		return err
	}
	switch r.status {
	case http.StatusOK:
	case http.StatusNotFound:
		return fmt.Errorf("keycloak: GET %s: %w", path, idp.ErrNotFound)
	default:
		return fmt.Errorf("keycloak: GET %s: unexpected HTTP %d: %w", path, r.status, idp.ErrUnavailable)
	}
	if err := json.Unmarshal(r.body, out); err != nil {
		return fmt.Errorf("keycloak: GET %s: %w: %w", path, idp.ErrUnavailable, err)
	}
	return nil
}

// userPath is the admin API path of one user.
func userPath(id string) string { return "/users/" + url.PathEscape(id) }
