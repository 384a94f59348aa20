package keycloak

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// SetPassword resets the password of u (reset-password, temporary only when
// o.MustChange). A rejection by the realm's password policy is a
// *idp.PolicyError. An account an administrator disabled is refused with
// idp.ErrLocked and nothing is written. With o.Unlock the brute-force
// lockout is cleared after the reset; if that fails the error is
// idp.ErrPartial. The user's sessions are then ended (whoever held them no
// longer knows the password); a failure there is logged, not returned.
func (d *Directory) SetPassword(ctx context.Context, u idp.User, password string, o idp.SetOptions) error {
	rep, err := d.current(ctx, u)
	if err != nil {
		return fmt.Errorf("keycloak: set password: %w", err)
	}
	if !rep.Enabled && !rep.lockedOutForGood() {
		return fmt.Errorf("keycloak: set password of %s: disabled by an administrator: %w", rep.ID, idp.ErrLocked)
	}
	cred := map[string]any{"type": "password", "value": password, "temporary": o.MustChange}
	r, err := d.do(ctx, http.MethodPut, userPath(rep.ID)+"/reset-password", nil, cred)
	if err != nil {
		return fmt.Errorf("keycloak: set password: %w", err)
	}
	switch r.status {
	case http.StatusNoContent, http.StatusOK:
	case http.StatusNotFound:
		return fmt.Errorf("keycloak: set password: %w", idp.ErrNotFound)
	case http.StatusBadRequest:
		return rejection(r.body)
	default:
		return fmt.Errorf("keycloak: set password: unexpected HTTP %d: %w", r.status, idp.ErrRefused)
	}
	if o.Unlock {
		if err := d.unlock(ctx, rep); err != nil {
			d.logout(ctx, rep.ID) // the password changed: sessions end whatever else failed
			return fmt.Errorf("keycloak: password set, unlock failed: %w: %w", idp.ErrPartial, err)
		}
	}
	d.logout(ctx, rep.ID)
	return nil
}

// EndSessions implements idp.SessionEnder: every session of u ends, as
// after SetPassword.
func (d *Directory) EndSessions(ctx context.Context, u idp.User) error {
	if u.ID == "" {
		return idp.ErrNotFound
	}
	r, err := d.do(ctx, http.MethodPost, userPath(u.ID)+"/logout", nil, nil)
	if err != nil {
		return fmt.Errorf("keycloak: end sessions: %w", err)
	}
	if r.status != http.StatusNoContent && r.status != http.StatusOK {
		return fmt.Errorf("keycloak: end sessions: unexpected HTTP %d: %w", r.status, idp.ErrUnavailable)
	}
	return nil
}

// logout ends every session of the user (POST .../users/{id}/logout).
func (d *Directory) logout(ctx context.Context, id string) {
	if err := d.EndSessions(ctx, idp.User{ID: id}); err != nil {
		d.log.WarnContext(ctx, "keycloak: password set, but the user's sessions were not ended", "user_id", id, "err", err)
	}
}

// current reads u's representation again: decisions are made on Keycloak's
// state now, never on flags a caller holds.
func (d *Directory) current(ctx context.Context, u idp.User) (userRep, error) {
	if u.ID == "" {
		return userRep{}, idp.ErrNotFound
	}
	var rep userRep
	if err := d.getJSON(ctx, userPath(u.ID), nil, &rep); err != nil {
		return userRep{}, err
	}
	return rep, nil
}

// rejection classifies a 400 answer to reset-password. Keycloak names the
// first policy that failed with an invalidPassword...Message key.
func rejection(body []byte) error {
	var e apiError
	_ = json.Unmarshal(body, &e)
	key := e.key()
	if !strings.HasPrefix(key, "invalidPassword") {
		return fmt.Errorf("keycloak: set password: HTTP 400 %q: %w", key, idp.ErrRefused)
	}
	return &idp.PolicyError{
		Reasons: []idp.Reason{policyReason(key)},
		Err:     errors.New("keycloak: " + key + ": " + e.Description),
	}
}

// policyReason maps a Keycloak password policy message key to a reason.
func policyReason(key string) idp.Reason {
	switch key {
	case "invalidPasswordMinLengthMessage":
		return idp.ReasonTooShort
	case "invalidPasswordHistoryMessage":
		return idp.ReasonHistory
	case "invalidPasswordMinDigitsMessage", "invalidPasswordMinLowerCaseCharsMessage",
		"invalidPasswordMinUpperCaseCharsMessage", "invalidPasswordMinSpecialCharsMessage",
		"invalidPasswordRegexPatternMessage":
		return idp.ReasonComplexity
	default:
		// Not the username or email, blacklisted, too long, recently used
		// (maximum age), and what extensions add.
		return idp.ReasonOther
	}
}
