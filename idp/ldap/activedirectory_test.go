package ldap

import (
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/idp/idptest"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

func samba(t *testing.T) (server, string) {
	v := testenv.Require(t, "samba", "SAMBA_URL", "SAMBA_LDAP_URL", "SAMBA_CA_FILE", "SAMBA_BASE_DN",
		"SAMBA_BIND_DN", "SAMBA_BIND_PASSWORD", "SAMBA_ADMIN_DN", "SAMBA_ADMIN_PASSWORD")
	return server{
		cfg: Config{
			Dialect:      ActiveDirectory,
			URLs:         []string{v[0]},
			CAFile:       v[2],
			BaseDN:       v[3],
			BindDN:       v[4],
			BindPassword: v[5],
		},
		adminDN:   v[6],
		adminPass: v[7],
	}, v[1]
}

func TestActiveDirectoryConformance(t *testing.T) {
	s, _ := samba(t)
	base := s.cfg.BaseDN
	f := s.fixture(t, func(t *testing.T, login, mail, password string) {
		dn := "CN=" + ldap.EscapeDN(login) + ",CN=Users," + base
		add := ldap.NewAddRequest(dn, nil)
		add.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
		add.Attribute("sAMAccountName", []string{login})
		add.Attribute("userPrincipalName", []string{login + "@example.test"})
		add.Attribute("mail", []string{mail})
		add.Attribute("sn", []string{"Throwaway"})
		add.Attribute("unicodePwd", []string{unicodePwd(password)})
		add.Attribute("userAccountControl", []string{"512"})
		if err := s.dialAdmin(t).Add(add); err != nil {
			t.Fatalf("add %s: %v", dn, err)
		}
		t.Cleanup(func() {
			if err := s.dialAdmin(t).Del(ldap.NewDelRequest(dn, nil)); err != nil {
				t.Errorf("delete %s: %v", dn, err)
			}
		})
	})
	f.HelpdeskGroup = "CN=helpdesk,CN=Users," + base
	f.Complexity = true
	// History applies to resets only with the policy hints control.
	if err := f.Backend.(*Directory).Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.ResetHistory = f.Backend.(*Directory).PolicyHints() != ""
	idptest.Run(t, f)
}

func TestActiveDirectoryTransport(t *testing.T) {
	s, plain := samba(t)
	testTransport(t, s, plain, OpenLDAP)
}

// TestActiveDirectoryGroups checks nested membership and privileged accounts
// found through groups rather than adminCount.
func TestActiveDirectoryGroups(t *testing.T) {
	s, _ := samba(t)
	d := newDirectory(t, s.cfg)
	admin := s.dialAdmin(t)
	users := "CN=Users," + s.cfg.BaseDN
	addGroup := func(name string, members ...string) string {
		dn := "CN=" + name + "," + users
		add := ldap.NewAddRequest(dn, nil)
		add.Attribute("objectClass", []string{"top", "group"})
		add.Attribute("sAMAccountName", []string{name})
		if len(members) > 0 {
			add.Attribute("member", members)
		}
		if err := admin.Add(add); err != nil {
			t.Fatalf("add group %s: %v", dn, err)
		}
		t.Cleanup(func() { _ = s.dialAdmin(t).Del(ldap.NewDelRequest(dn, nil)) })
		return dn
	}
	alice, err := d.Lookup(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	suffix := uniq(t, "")
	inner := addGroup("fdtinner"+suffix, alice.DN)
	outer := addGroup("fdtouter"+suffix, inner)
	for _, tt := range []struct {
		group string
		want  bool
	}{{inner, true}, {outer, true}, {"CN=Domain Admins," + users, false}} {
		if in, err := d.IsMember(t.Context(), alice, tt.group); err != nil || in != tt.want {
			t.Errorf("IsMember(alice, %s) = %v, %v; want %v", tt.group, in, err, tt.want)
		}
	}
	// The built-in Administrator is privileged through Domain Admins.
	if u, err := d.Lookup(t.Context(), "Administrator"); err != nil || !u.Privileged {
		t.Errorf("Lookup(Administrator): Privileged %v, %v; want true", u.Privileged, err)
	}
	// Admin groups from the configuration are followed through nesting.
	cfg := s.cfg
	cfg.AdminGroups = []string{outer}
	if u, err := newDirectory(t, cfg).Lookup(t.Context(), "alice"); err != nil || !u.Privileged {
		t.Errorf("alice in a nested admin group: Privileged %v, %v; want true", u.Privileged, err)
	}
}

// TestActiveDirectoryPolicyHintsAccepted sends the policy hints control on a
// reset, as a DC that advertises it would get it, and the reset must still
// work. Samba does not advertise the control and ignores it (it accepts any
// unknown critical control on a modify), so this does not check the encoding;
// TestPolicyHintsEncoding does. History: TestActiveDirectoryResetHistoryWithPolicyHints.
func TestActiveDirectoryPolicyHintsAccepted(t *testing.T) {
	s, _ := samba(t)
	d := newDirectory(t, s.cfg)
	if err := d.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	if oid := d.PolicyHints(); oid != "" {
		t.Logf("the server advertises %s", oid)
	}
	for _, oid := range []string{ldap.ControlTypeMicrosoftPolicyHints, ldap.ControlTypeMicrosoftPolicyHintsDeprecated} {
		t.Run(oid, func(t *testing.T) {
			d.root.policyHints = oid
			f := s.fixture(t, nil)
			login := uniq(t, "fdthint")
			s.addADUser(t, login, nil)
			u, err := d.Lookup(t.Context(), login)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.SetPassword(t.Context(), u, "Next-Pass-2026!", idp.SetOptions{}); err != nil {
				t.Fatalf("SetPassword with %s: %v", oid, err)
			}
			if err := f.Bind(u, "Next-Pass-2026!"); err != nil {
				t.Errorf("bind after the reset: %v", err)
			}
		})
	}
}

// TestActiveDirectoryAccountState covers what the fixtures do not: an
// expired account, and pwd_last_set: expire.
func TestActiveDirectoryAccountState(t *testing.T) {
	s, _ := samba(t)
	addUser := func(login string, attrs map[string]string) string {
		s.addADUser(t, login, attrs)
		return login
	}
	d := newDirectory(t, s.cfg)
	// 1 January 2020 as a FILETIME.
	expired := addUser(uniq(t, "fdtexp"), map[string]string{"accountExpires": "132223104000000000"})
	if u, err := d.Lookup(t.Context(), expired); err != nil || !u.Expired || u.Disabled {
		t.Errorf("expired account: Expired %v, Disabled %v, %v; want true, false", u.Expired, u.Disabled, err)
	}

	cfg := s.cfg
	cfg.PwdLastSet = "expire"
	expire := newDirectory(t, cfg)
	login := addUser(uniq(t, "fdtpls"), nil)
	u, err := expire.Lookup(t.Context(), login)
	if err != nil || u.MustChange || u.Expired {
		t.Fatalf("new account: MustChange %v, Expired %v, %v; want false", u.MustChange, u.Expired, err)
	}
	if err := expire.SetPassword(t.Context(), u, "Next-Pass-2026!", idp.SetOptions{}); err != nil {
		t.Fatal(err)
	}
	if u, err = expire.Lookup(t.Context(), login); err != nil || !u.MustChange {
		t.Errorf("after a reset with pwd_last_set: expire: MustChange %v, %v; want true", u.MustChange, err)
	}
}

// addADUser adds an enabled throwaway user with the password
// Start-Pass-2026! and attrs, deleted when the test ends.
func (s server) addADUser(t *testing.T, login string, attrs map[string]string) {
	t.Helper()
	dn := "CN=" + login + ",CN=Users," + s.cfg.BaseDN
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	add.Attribute("sAMAccountName", []string{login})
	add.Attribute("unicodePwd", []string{unicodePwd("Start-Pass-2026!")})
	add.Attribute("userAccountControl", []string{"512"})
	for k, v := range attrs {
		add.Attribute(k, []string{v})
	}
	if err := s.dialAdmin(t).Add(add); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
	t.Cleanup(func() { _ = s.dialAdmin(t).Del(ldap.NewDelRequest(dn, nil)) })
}

// TestActiveDirectoryBadPwdCount: what a reset and an unlock do to
// the count of failed sign-ins. An unlock writes lockoutTime 0, which
// clears badPwdCount with it (MS-SAMR 3.1.1.8.3): the unlocked user has the
// full lockout threshold again. A reset alone leaves the count where the
// failed sign-ins put it, as a password set by an administrator does.
func TestActiveDirectoryBadPwdCount(t *testing.T) {
	s, _ := samba(t)
	d := newDirectory(t, s.cfg)
	login := uniq(t, "fdtbad")
	s.addADUser(t, login, nil)
	dn := "CN=" + login + ",CN=Users," + s.cfg.BaseDN
	state := func() (bad, lockout string) {
		t.Helper()
		res, err := s.dialAdmin(t).Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases,
			1, 0, false, "(objectClass=*)", []string{"badPwdCount", "lockoutTime"}, nil))
		if err != nil || len(res.Entries) != 1 {
			t.Fatalf("read %s: %v", dn, err)
		}
		e := res.Entries[0]
		return e.GetAttributeValue("badPwdCount"), e.GetAttributeValue("lockoutTime")
	}
	failSignIns := func(n int) {
		t.Helper()
		for range n {
			if c, err := dialAs(s.cfg, dn, "Wrong-Pass-2026!"); err == nil {
				c.Close()
				t.Fatal("a wrong password binds")
			}
		}
	}
	lookup := func() idp.User {
		t.Helper()
		u, err := d.Lookup(t.Context(), login)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}

	failSignIns(2)
	if bad, _ := state(); bad != "2" {
		t.Fatalf("badPwdCount %q after two failed sign-ins; want 2", bad)
	}
	if err := d.SetPassword(t.Context(), lookup(), "Next-Pass-2026!", idp.SetOptions{}); err != nil {
		t.Fatal(err)
	}
	if bad, lockout := state(); bad != "2" || lockout != "" && lockout != "0" {
		t.Fatalf("after a reset: badPwdCount %q, lockoutTime %q; want 2 and no lockout", bad, lockout)
	}

	failSignIns(3)
	u := lookup()
	if !u.Locked {
		t.Fatal("not locked after the lockout threshold")
	}
	if err := d.Unlock(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	if bad, lockout := state(); bad != "0" || lockout != "0" {
		t.Fatalf("after an unlock: badPwdCount %q, lockoutTime %q; want 0 and 0", bad, lockout)
	}
	if c, err := dialAs(s.cfg, dn, "Next-Pass-2026!"); err != nil {
		t.Fatalf("the reset password does not bind after the unlock: %v", err)
	} else {
		c.Close()
	}
}
