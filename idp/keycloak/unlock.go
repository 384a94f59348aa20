package keycloak

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Unlock clears the brute-force lockout of u. A user Keycloak disabled for
// a permanent lockout (disabledReason permanentLockout) is enabled again; a
// user an administrator disabled is refused with idp.ErrLocked and nothing is
// written. Unlocking a user who is not locked succeeds.
func (d *Directory) Unlock(ctx context.Context, u idp.User) error {
	rep, err := d.current(ctx, u)
	if err != nil {
		return fmt.Errorf("keycloak: unlock: %w", err)
	}
	if !rep.Enabled && !rep.lockedOutForGood() {
		return fmt.Errorf("keycloak: unlock %s: disabled by an administrator: %w", rep.ID, idp.ErrLocked)
	}
	if err := d.unlock(ctx, rep); err != nil {
		return fmt.Errorf("keycloak: unlock: %w", err)
	}
	return nil
}

// unlock enables a user Keycloak disabled for a permanent lockout, then
// clears the login failures.
func (d *Directory) unlock(ctx context.Context, rep userRep) error {
	if rep.lockedOutForGood() {
		if err := d.enable(ctx, rep.ID); err != nil {
			return err
		}
		d.log.InfoContext(ctx, "keycloak: re-enabled a user disabled by permanent lockout", "user_id", rep.ID)
	}
	path := "/attack-detection/brute-force/users/" + url.PathEscape(rep.ID)
	r, err := d.do(ctx, http.MethodDelete, path, nil, nil)
	if err != nil {
		return err
	}
	if r.status != http.StatusNoContent && r.status != http.StatusOK {
		return fmt.Errorf("DELETE %s: HTTP %d: %w", path, r.status, idp.ErrRefused)
	}
	return nil
}

// enable sets enabled on the full representation, read again just before,
// so that no other field changes; Keycloak then clears the traces of the
// permanent lockout. The lockout mark is dropped from the attributes sent.
func (d *Directory) enable(ctx context.Context, id string) error {
	var full map[string]any
	if err := d.getJSON(ctx, userPath(id), nil, &full); err != nil {
		return err
	}
	full["enabled"] = true
	if attrs, ok := full["attributes"].(map[string]any); ok {
		delete(attrs, disabledReasonAttr)
	}
	r, err := d.do(ctx, http.MethodPut, userPath(id), nil, json.RawMessage(mustJSON(full)))
	if err != nil {
		return err
	}
	switch r.status {
	case http.StatusNoContent, http.StatusOK:
		return nil
	case http.StatusNotFound:
		return idp.ErrNotFound
	default:
		return fmt.Errorf("PUT %s: HTTP %d: %w", userPath(id), r.status, idp.ErrRefused)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
