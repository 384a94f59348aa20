package ldap

import (
	"context"
	"unicode/utf16"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// unicodePwd encodes a password as Active Directory wants it: the password
// in double quotes, as UTF-16 little-endian. Only the outer quotes are added;
// quotes inside the password are part of it.
func unicodePwd(password string) string {
	units := utf16.Encode([]rune(`"` + password + `"`))
	b := make([]byte, 2*len(units))
	for i, u := range units {
		b[2*i] = byte(u)
		b[2*i+1] = byte(u >> 8)
	}
	return string(b)
}

// policyHints is the LDAP_SERVER_POLICY_HINTS control (or its deprecated
// twin): with it an administrative reset obeys password history.
type policyHints struct{ oid string }

func (p policyHints) GetControlType() string { return p.oid }

func (p policyHints) String() string { return "policy hints " + p.oid }

// Encode writes the control, critical, with the value SEQUENCE { Flags 1 }.
func (p policyHints) Encode() *ber.Packet {
	pkt := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Control")
	pkt.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, p.oid, "Control Type"))
	pkt.AppendChild(ber.NewBoolean(ber.ClassUniversal, ber.TypePrimitive, ber.TagBoolean, true, "Criticality"))
	val := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "PolicyHintsRequestValue")
	val.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(1), "Flags"))
	pkt.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, string(val.Bytes()), "Control Value"))
	return pkt
}

// adSet replaces unicodePwd, and in the same modify sets pwdLastSet to 0 when
// the user must change it and lockoutTime to 0 for an unlock: all or nothing.
func (d *Directory) adSet(ctx context.Context, u idp.User, password string, o idp.SetOptions) error {
	return d.withConn(ctx, "set password", func(c *ldap.Conn) error {
		root, err := d.rootInfo(c)
		if err != nil {
			return err
		}
		var ctrls []ldap.Control
		if root.policyHints != "" {
			ctrls = append(ctrls, policyHints{oid: root.policyHints})
		}
		m := ldap.NewModifyRequest(u.DN, ctrls)
		m.Replace("unicodePwd", []string{unicodePwd(password)})
		if d.mustChange(o) {
			m.Replace("pwdLastSet", []string{"0"})
		}
		if o.Unlock {
			m.Replace("lockoutTime", []string{"0"})
		}
		return adWriteError("set password", c.Modify(m))
	})
}

// adChange deletes the old value and adds the new one in one modify; the
// server checks the old password and applies the whole policy.
func (d *Directory) adChange(ctx context.Context, u idp.User, old, password string) error {
	return d.withConn(ctx, "change password", func(c *ldap.Conn) error {
		m := ldap.NewModifyRequest(u.DN, nil)
		m.Delete("unicodePwd", []string{unicodePwd(old)})
		m.Add("unicodePwd", []string{unicodePwd(password)})
		return adWriteError("change password", c.Modify(m))
	})
}

func (d *Directory) adUnlock(ctx context.Context, u idp.User) error {
	return d.withConn(ctx, "unlock", func(c *ldap.Conn) error {
		m := ldap.NewModifyRequest(u.DN, nil)
		m.Replace("lockoutTime", []string{"0"})
		return generic("unlock", c.Modify(m))
	})
}
