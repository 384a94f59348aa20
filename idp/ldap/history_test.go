package ldap

import (
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// TestActiveDirectoryResetHistoryWithPolicyHints pins what docs/directories.md
// says about Samba: even when a reset carries the policy hints control (either
// OID, sent as on a DC that lists it), Samba writes a password from the
// history and the current password again. Samba also accepts an unknown
// critical control on a modify, so its accepting this one proves nothing; a
// Windows DC that lists the control refuses such resets. If this test fails,
// Samba started to enforce history on resets: update the docs and let
// TestActiveDirectoryConformance expect it.
func TestActiveDirectoryResetHistoryWithPolicyHints(t *testing.T) {
	s, _ := samba(t)
	for _, oid := range []string{ldap.ControlTypeMicrosoftPolicyHints, ldap.ControlTypeMicrosoftPolicyHintsDeprecated} {
		t.Run(oid, func(t *testing.T) {
			d := newDirectory(t, s.cfg)
			if err := d.Check(t.Context()); err != nil {
				t.Fatal(err)
			}
			d.root.policyHints = oid
			f := s.fixture(t, nil)
			login := uniq(t, "fdthist")
			dn := "CN=" + login + ",CN=Users," + s.cfg.BaseDN
			add := ldap.NewAddRequest(dn, nil)
			add.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
			add.Attribute("sAMAccountName", []string{login})
			add.Attribute("unicodePwd", []string{unicodePwd("Start-Pass-2026!")})
			add.Attribute("userAccountControl", []string{"512"})
			if err := s.dialAdmin(t).Add(add); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.dialAdmin(t).Del(ldap.NewDelRequest(dn, nil)) })
			u, err := d.Lookup(t.Context(), login)
			if err != nil {
				t.Fatal(err)
			}
			// P1, P2, P1 (history), P1 (current).
			for i, pw := range []string{"Hint-First-2026!", "Hint-Second-2026!", "Hint-First-2026!", "Hint-First-2026!"} {
				if err := d.SetPassword(t.Context(), u, pw, idp.SetOptions{}); err != nil {
					t.Fatalf("reset %d to %s with %s: %v; Samba used to accept it", i+1, pw, oid, err)
				}
			}
			if err := f.Bind(u, "Hint-First-2026!"); err != nil {
				t.Errorf("bind with the reused password: %v", err)
			}
		})
	}
}

// TestOpenLDAPResetWithoutHistoryPolicy pins the one OpenLDAP case where a
// reset may reuse a password: under a policy without pwdInHistory (here the
// fixture policy of service accounts), slapd 2.5 keeps no pwdHistory and
// accepts even the current password. frontdoor does not read password hashes
// to refuse it (docs/security.md, P-9); a policy with pwdInHistory of 1 or
// more makes slapd refuse it. If this fails, slapd changed: update the docs.
func TestOpenLDAPResetWithoutHistoryPolicy(t *testing.T) {
	s, _ := slapd(t)
	admin := s.dialAdmin(t)
	login := uniq(t, "fdtnohist")
	dn := "uid=" + login + ",ou=people," + s.cfg.BaseDN
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"inetOrgPerson"})
	for k, v := range map[string]string{"uid": login, "cn": login, "sn": "Throwaway",
		"userPassword": "Start-Pass-2026!", "pwdPolicySubentry": "cn=service,ou=policies," + s.cfg.BaseDN} {
		add.Attribute(k, []string{v})
	}
	if err := admin.Add(add); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
	t.Cleanup(func() { _ = s.dialAdmin(t).Del(ldap.NewDelRequest(dn, nil)) })
	d := newDirectory(t, s.cfg)
	u, err := d.Lookup(t.Context(), login)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := d.SetPassword(t.Context(), u, "Same-Pass-2026!", idp.SetOptions{}); err != nil {
			t.Fatalf("reset %d to the same password without pwdInHistory: %v", i+1, err)
		}
	}
	if c, err := dialAs(s.cfg, dn, "Same-Pass-2026!"); err != nil {
		t.Errorf("bind after the resets: %v", err)
	} else {
		c.Close()
	}
}
