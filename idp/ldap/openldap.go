package ldap

import (
	"context"
	"fmt"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// passwordModifyOID names the Password Modify extended operation (RFC 3062).
const passwordModifyOID = "1.3.6.1.4.1.4203.1.11.1"

// passwordModify builds a Password Modify request that carries the ppolicy
// request control, so that a rejection comes with its reason. The new
// password is always sent: the server never generates one.
func passwordModify(identity, old, password string) *ldap.ExtendedRequest {
	seq := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "PasswdModifyRequestValue")
	if identity != "" {
		seq.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, identity, "userIdentity"))
	}
	if old != "" {
		seq.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 1, old, "oldPasswd"))
	}
	seq.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 2, password, "newPasswd"))
	req := ldap.NewExtendedRequest(passwordModifyOID, seq)
	req.Controls = []ldap.Control{ldap.NewControlBeheraPasswordPolicy()}
	return req
}

// openLDAPSet sets the password with Password Modify. slapd clears
// pwdAccountLockedTime on every password change, the administrative lock
// included, so the lock is read first: an administrative lock refuses the
// reset, and a lockout the caller did not ask to clear is written back. The
// lock and what refuseReuse compares are read in one search.
func (d *Directory) openLDAPSet(ctx context.Context, u idp.User, password string, o idp.SetOptions) error {
	unlock, err := d.writes.lock(ctx, u.DN)
	if err != nil {
		return fmt.Errorf("ldap: set password: %w", err)
	}
	defer unlock()
	return d.withConn(ctx, "set password", func(c *ldap.Conn) error {
		e, err := d.readEntry(c, u.DN, "read account state", "pwdAccountLockedTime", "userPassword", "pwdHistory", "pwdPolicySubentry")
		if err != nil {
			return err
		}
		lock := e.GetAttributeValue("pwdAccountLockedTime")
		if lock == permanentLock {
			return fmt.Errorf("ldap: set password: %w", idp.ErrLocked)
		}
		if err := d.refuseReuse(c, e, password); err != nil {
			return err
		}
		if _, err := c.Extended(passwordModify(u.DN, "", password)); err != nil {
			return openLDAPWriteError("set password", err)
		}
		m := ldap.NewModifyRequest(u.DN, nil)
		if d.mustChange(o) {
			m.Replace("pwdReset", []string{"TRUE"})
		}
		if lock != "" && !o.Unlock {
			m.Replace("pwdAccountLockedTime", []string{lock})
		}
		if o.Unlock && lock != "" {
			// slapd has cleared it with the new password; make sure.
			if still, err := d.lockState(c, u.DN); err != nil || still != "" {
				m.Delete("pwdAccountLockedTime", nil)
			}
		}
		if len(m.Changes) == 0 {
			return nil
		}
		if err := c.Modify(m); err != nil {
			return fmt.Errorf("%w: %w", idp.ErrPartial, generic("set password: account state", err))
		}
		return nil
	})
}

// openLDAPChange binds as the user with the old password on a connection of
// its own and changes the password there, as the user.
func (d *Directory) openLDAPChange(ctx context.Context, u idp.User, old, password string) error {
	c, err := d.t.dial(ctx)
	if err != nil {
		return fmt.Errorf("ldap: change password: %w", err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	bind := ldap.NewSimpleBindRequest(u.DN, old, []ldap.Control{ldap.NewControlBeheraPasswordPolicy()})
	res, err := c.SimpleBind(bind)
	if err != nil {
		var ctrls []ldap.Control
		if res != nil {
			ctrls = res.Controls
		}
		return openLDAPBindError("change password", err, ctrls)
	}
	if _, err := c.Extended(passwordModify("", old, password)); err != nil {
		return openLDAPWriteError("change password", err)
	}
	return nil
}

// openLDAPUnlock deletes pwdAccountLockedTime, naming the value read just
// before, so that an administrative lock set meanwhile is never removed.
// slapd deletes pwdFailureTime with it (that attribute is not writable).
func (d *Directory) openLDAPUnlock(ctx context.Context, u idp.User) error {
	unlock, err := d.writes.lock(ctx, u.DN)
	if err != nil {
		return fmt.Errorf("ldap: unlock: %w", err)
	}
	defer unlock()
	return d.withConn(ctx, "unlock", func(c *ldap.Conn) error {
		lock, err := d.lockState(c, u.DN)
		if err != nil {
			return err
		}
		if lock == permanentLock {
			return fmt.Errorf("ldap: unlock: %w", idp.ErrLocked)
		}
		if lock == "" {
			return nil
		}
		m := ldap.NewModifyRequest(u.DN, nil)
		m.Delete("pwdAccountLockedTime", []string{lock})
		if err := c.Modify(m); err != nil {
			return generic("unlock", err)
		}
		return nil
	})
}

// lockState reads the entry's pwdAccountLockedTime ("" when not locked).
func (d *Directory) lockState(c *ldap.Conn, dn string) (string, error) {
	e, err := d.readEntry(c, dn, "read lock state", "pwdAccountLockedTime")
	if err != nil {
		return "", err
	}
	return e.GetAttributeValue("pwdAccountLockedTime"), nil
}

// readEntry reads attrs of the entry dn itself; what names the read in
// errors.
func (d *Directory) readEntry(c *ldap.Conn, dn, what string, attrs ...string) (*ldap.Entry, error) {
	req := ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1,
		d.timeLimit(), false, "(objectClass=*)", attrs, nil)
	res, err := c.Search(req)
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return nil, fmt.Errorf("ldap: %s: %w", what, idp.ErrNotFound)
	}
	if err != nil {
		return nil, generic(what, err)
	}
	if len(res.Entries) != 1 {
		return nil, fmt.Errorf("ldap: %s: %w", what, idp.ErrNotFound)
	}
	return res.Entries[0], nil
}
