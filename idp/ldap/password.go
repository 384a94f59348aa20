package ldap

import (
	"context"
	"errors"
	"fmt"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// SetPassword sets u's password as the service account: a Password Modify
// operation on OpenLDAP, a replace of unicodePwd on Active Directory (with
// the policy hints control when the server offers it and policy_hints is not
// false, so that history applies). A lockout stays unless o.Unlock asks to
// clear it (on Active Directory in the same modify). A permanently locked
// OpenLDAP account is refused with ErrLocked before anything is written,
// because slapd would clear that lock with any new password.
func (d *Directory) SetPassword(ctx context.Context, u idp.User, password string, o idp.SetOptions) error {
	if u.DN == "" {
		return fmt.Errorf("ldap: set password: %w", idp.ErrNotFound)
	}
	if password == "" {
		return &idp.PolicyError{Reasons: []idp.Reason{idp.ReasonTooShort}, Err: errors.New("ldap: empty password")}
	}
	if u.PermanentlyLocked {
		return fmt.Errorf("ldap: set password: %w", idp.ErrLocked)
	}
	if d.dialect == ActiveDirectory {
		return d.adSet(ctx, u, password, o)
	}
	return d.openLDAPSet(ctx, u, password, o)
}

// ChangePassword changes u's password with the current one. On OpenLDAP it
// binds as the user and sends a Password Modify with both passwords; on
// Active Directory it deletes the old unicodePwd value and adds the new one
// in one modify, which the server checks against the current password.
func (d *Directory) ChangePassword(ctx context.Context, u idp.User, old, password string) error {
	if u.DN == "" {
		return fmt.Errorf("ldap: change password: %w", idp.ErrNotFound)
	}
	if old == "" {
		return fmt.Errorf("ldap: change password: %w", idp.ErrBadPassword)
	}
	if password == "" {
		return &idp.PolicyError{Reasons: []idp.Reason{idp.ReasonTooShort}, Err: errors.New("ldap: empty password")}
	}
	if d.dialect == ActiveDirectory {
		return d.adChange(ctx, u, old, password)
	}
	return d.openLDAPChange(ctx, u, old, password)
}

// Unlock clears u's failed-sign-in lockout and keeps the password: on
// OpenLDAP by deleting pwdAccountLockedTime, which makes slapd drop pwdFailureTime (never the
// administrative lock 000001010000Z, which is ErrLocked), on Active
// Directory by setting lockoutTime to 0.
func (d *Directory) Unlock(ctx context.Context, u idp.User) error {
	if u.DN == "" {
		return fmt.Errorf("ldap: unlock: %w", idp.ErrNotFound)
	}
	if u.PermanentlyLocked {
		return fmt.Errorf("ldap: unlock: %w", idp.ErrLocked)
	}
	if d.dialect == ActiveDirectory {
		return d.adUnlock(ctx, u)
	}
	return d.openLDAPUnlock(ctx, u)
}

// mustChange tells whether a reset leaves the user to change the password.
func (d *Directory) mustChange(o idp.SetOptions) bool {
	return o.MustChange || d.cfg.PwdLastSet == "expire"
}
