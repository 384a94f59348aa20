package keycloak

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// double is a test double of Keycloak's token endpoint and admin API, built
// from the documented contract: fast unit tests of caching, retries and error
// classification. The real server is tested in server_test.go.
type double struct {
	*httptest.Server
	tokens atomic.Int32 // tokens issued
	admin  http.HandlerFunc
}

const doubleSecret = "double-client-secret"

func newDouble(t *testing.T, admin http.HandlerFunc) *double {
	t.Helper()
	d := &double{admin: admin}
	d.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/realms/staff/protocol/openid-connect/token" {
			id, secret, _ := r.BasicAuth()
			if id != "frontdoor" || secret != doubleSecret || r.FormValue("grant_type") != "client_credentials" {
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
				return
			}
			n := d.tokens.Add(1)
			_, _ = w.Write([]byte(`{"access_token":"tok` + string(rune('0'+n)) + `","expires_in":300}`))
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/admin/realms/staff/") {
			http.NotFound(w, r)
			return
		}
		d.admin(w, r)
	}))
	t.Cleanup(d.Close)
	return d
}

func (d *double) directory(t *testing.T, edit func(*Config)) *Directory {
	t.Helper()
	c := Config{BaseURL: d.URL, Realm: "staff", ClientID: "frontdoor", ClientSecret: doubleSecret}
	if edit != nil {
		edit(&c)
	}
	if ps := c.Validate(); len(ps) > 0 {
		t.Fatal(ps)
	}
	return newDirectory(t, c)
}

func TestDoubleTokenCachedAndRenewedOn401(t *testing.T) {
	var refuse atomic.Bool
	d := newDouble(t, func(w http.ResponseWriter, r *http.Request) {
		if refuse.Load() && r.Header.Get("Authorization") == "Bearer tok1" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`[]`))
	})
	dir := d.directory(t, nil)
	for range 3 {
		if _, err := dir.Lookup(t.Context(), "alice"); !errors.Is(err, idp.ErrNotFound) {
			t.Fatalf("Lookup = %v; want ErrNotFound", err)
		}
	}
	if n := d.tokens.Load(); n != 1 {
		t.Errorf("%d tokens fetched for three lookups; want 1 (cached)", n)
	}
	refuse.Store(true)
	if _, err := dir.Lookup(t.Context(), "alice"); !errors.Is(err, idp.ErrNotFound) {
		t.Fatalf("Lookup after the token was refused = %v; want a retry with a new token", err)
	}
	if n := d.tokens.Load(); n != 2 {
		t.Errorf("%d tokens fetched; want 2 after a refused token", n)
	}
}

func TestDoubleClassification(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   error
	}{
		{"server error", http.StatusServiceUnavailable, ``, idp.ErrUnavailable},
		{"forbidden", http.StatusForbidden, `{"error":"HTTP 403 Forbidden"}`, idp.ErrRefused},
		{"token refused twice", http.StatusUnauthorized, ``, idp.ErrUnavailable},
		{"not JSON", http.StatusOK, `<html>`, idp.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDouble(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			_, err := d.directory(t, nil).Lookup(t.Context(), "alice")
			if !errors.Is(err, tt.want) {
				t.Errorf("Lookup = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestDoubleWrongSecretNotInError(t *testing.T) {
	d := newDouble(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`[]`)) })
	dir := d.directory(t, func(c *Config) { c.ClientSecret = "wrong-secret-value" })
	_, err := dir.Lookup(t.Context(), "alice@example.test")
	if !errors.Is(err, idp.ErrUnavailable) {
		t.Fatalf("Lookup with a wrong client secret = %v; want ErrUnavailable", err)
	}
	for _, secret := range []string{"wrong-secret-value", "alice@example.test"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q holds %q", err, secret)
		}
	}
}

func TestDoubleSlowServer(t *testing.T) {
	release := make(chan struct{})
	d := newDouble(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	dir := d.directory(t, func(c *Config) { c.Timeout = 50 * time.Millisecond })
	if _, err := dir.Lookup(t.Context(), "alice"); !errors.Is(err, idp.ErrUnavailable) {
		t.Errorf("Lookup on a server that does not answer = %v; want ErrUnavailable", err)
	}
}

func TestDoublePolicyRejection(t *testing.T) {
	tests := []struct {
		body string
		want idp.Reason
	}{
		{`{"error":"invalidPasswordMinLengthMessage","error_description":"Invalid password: minimum length 8."}`, idp.ReasonTooShort},
		{`{"error":"invalidPasswordHistoryMessage","error_description":"Invalid password: must not be equal to any of last 3 passwords."}`, idp.ReasonHistory},
		{`{"error":"invalidPasswordMinUpperCaseCharsMessage"}`, idp.ReasonComplexity},
		{`{"errorMessage":"invalidPasswordNotUsernameMessage"}`, idp.ReasonOther},
	}
	for _, tt := range tests {
		d := newDouble(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(tt.body))
				return
			}
			_, _ = w.Write([]byte(`{"id":"u1","username":"alice","enabled":true}`))
		})
		err := d.directory(t, nil).SetPassword(t.Context(), idp.User{ID: "u1"}, "x", idp.SetOptions{})
		var pe *idp.PolicyError
		if !errors.As(err, &pe) || !pe.Has(tt.want) {
			t.Errorf("SetPassword answered %s = %v; want a *PolicyError with %s", tt.body, err, tt.want)
		}
	}
}

func TestDoubleAdministrativeDisableUntouched(t *testing.T) {
	var writes atomic.Int32
	d := newDouble(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			writes.Add(1)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		_, _ = w.Write([]byte(`{"id":"u1","username":"dora","enabled":false,"attributes":{"disabledReason":["by an admin"]}}`))
	})
	dir := d.directory(t, nil)
	if err := dir.Unlock(t.Context(), idp.User{ID: "u1", Locked: true}); !errors.Is(err, idp.ErrLocked) {
		t.Errorf("Unlock = %v; want ErrLocked", err)
	}
	if err := dir.SetPassword(t.Context(), idp.User{ID: "u1"}, "x", idp.SetOptions{Unlock: true}); !errors.Is(err, idp.ErrLocked) {
		t.Errorf("SetPassword = %v; want ErrLocked", err)
	}
	if n := writes.Load(); n != 0 {
		t.Errorf("%d writes to an account an administrator disabled; want none", n)
	}
}

// TestDoublePermanentLockoutEnable checks what Unlock writes for a user
// Keycloak disabled for a permanent lockout: the full representation with
// enabled true and without the lockout mark, then the failures cleared.
func TestDoublePermanentLockoutEnable(t *testing.T) {
	var put map[string]any
	var deleted atomic.Bool
	d := newDouble(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			_, _ = w.Write([]byte(`{"id":"u1","username":"pat","email":"pat@example.test","enabled":false,
				"attributes":{"disabledReason":["permanentLockout"],"mobile":["+447700900009"]}}`))
		case http.MethodPut:
			if err := json.NewDecoder(r.Body).Decode(&put); err != nil {
				t.Error(err)
			}
			w.WriteHeader(http.StatusNoContent)
		case http.MethodDelete:
			deleted.Store(strings.HasSuffix(r.URL.Path, "/attack-detection/brute-force/users/u1"))
			w.WriteHeader(http.StatusNoContent)
		}
	})
	if err := d.directory(t, nil).Unlock(t.Context(), idp.User{ID: "u1"}); err != nil {
		t.Fatalf("Unlock = %v", err)
	}
	attrs, _ := put["attributes"].(map[string]any)
	if put["enabled"] != true || put["email"] != "pat@example.test" || attrs["mobile"] == nil || attrs["disabledReason"] != nil {
		t.Errorf("PUT %v; want the representation enabled, the lockout mark dropped, the rest kept", put)
	}
	if !deleted.Load() {
		t.Error("the login failures were not cleared")
	}
}

// TestDoubleTooManyRequests: Keycloak answering 429 is
// unavailable on a lookup and a refusal on the write, which gives the step
// back; neither is taken as success.
func TestDoubleTooManyRequests(t *testing.T) {
	d := newDouble(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	if _, err := d.directory(t, nil).Lookup(t.Context(), "alice"); !errors.Is(err, idp.ErrUnavailable) {
		t.Errorf("Lookup answered 429 = %v; want ErrUnavailable", err)
	}
	w := newDouble(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = w.Write([]byte(`{"id":"u1","username":"alice","enabled":true}`))
	})
	if err := w.directory(t, nil).SetPassword(t.Context(), idp.User{ID: "u1"}, "Quartz-Meadow-93", idp.SetOptions{}); !errors.Is(err, idp.ErrRefused) {
		t.Errorf("SetPassword answered 429 = %v; want ErrRefused", err)
	}
}

// TestDoubleLogoutFailureKeepsTheReset (S-2): when ending the user's
// sessions fails after the password was set, the reset stands (no error)
// and a warning is logged, without the password.
func TestDoubleLogoutFailureKeepsTheReset(t *testing.T) {
	var logouts atomic.Int32
	d := newDouble(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut:
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(r.URL.Path, "/logout"):
			logouts.Add(1)
			w.WriteHeader(http.StatusInternalServerError)
		default:
			_, _ = w.Write([]byte(`{"id":"u1","username":"alice","enabled":true}`))
		}
	})
	var logs bytes.Buffer
	dir, err := New(Config{BaseURL: d.URL, Realm: "staff", ClientID: "frontdoor", ClientSecret: doubleSecret},
		slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	const pw = "Quartz-Meadow-Lantern-93"
	if err := dir.SetPassword(t.Context(), idp.User{ID: "u1"}, pw, idp.SetOptions{}); err != nil {
		t.Fatalf("SetPassword with the logout failing = %v; want the reset to stand", err)
	}
	if logouts.Load() != 1 || !strings.Contains(logs.String(), "sessions were not ended") || strings.Contains(logs.String(), pw) {
		t.Errorf("%d logouts; log:\n%s", logouts.Load(), logs.String())
	}
}
