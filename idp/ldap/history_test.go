package ldap

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
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
// accepts even the current password, and the recommended service account
// (`=wx` on userPassword) cannot read the hash for frontdoor to refuse it
// either; a policy with pwdInHistory of 1 or more makes slapd refuse it. If
// this fails, slapd or the test ACL changed: update docs/directories.md.
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

// passwordAdmin returns a Directory that writes as slapd's rootdn, which
// ppolicy treats as a password administrator and skips every check for,
// history included (as it does for any account with manage on userPassword).
// New refuses the rootdn only when the configuration names it as root_dn.
func passwordAdmin(t *testing.T, s server) *Directory {
	cfg := s.cfg
	cfg.BindDN, cfg.BindPassword, cfg.RootDN = s.adminDN, s.adminPass, ""
	return newDirectory(t, cfg)
}

// addPerson adds a throwaway inetOrgPerson with extra attributes and
// returns its login and DN.
func addPerson(t *testing.T, s server, prefix string, attrs map[string]string) (string, string) {
	login := uniq(t, prefix)
	dn := "uid=" + login + ",ou=people," + s.cfg.BaseDN
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"inetOrgPerson"})
	for k, v := range map[string]string{"uid": login, "cn": login, "sn": "Throwaway", "userPassword": "Start-Pass-2026!"} {
		add.Attribute(k, []string{v})
	}
	for k, v := range attrs {
		add.Attribute(k, []string{v})
	}
	if err := s.dialAdmin(t).Add(add); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
	t.Cleanup(func() { _ = s.dialAdmin(t).Del(ldap.NewDelRequest(dn, nil)) })
	return login, dn
}

// wantHistory fails unless err is a history refusal.
func wantHistory(t *testing.T, what string, err error) {
	t.Helper()
	var pe *idp.PolicyError
	if !errors.As(err, &pe) || !pe.Has(idp.ReasonHistory) {
		t.Fatalf("reset to %s = %v; want a *PolicyError with history", what, err)
	}
}

// TestOpenLDAPResetHistoryAsPasswordAdministrator is issue 16: an account
// for which ppolicy skips its checks resets P1, P2, then P1 and P2 again.
// frontdoor reads userPassword and pwdHistory and refuses both before
// writing; P2 still signs in, and a fresh password is accepted.
func TestOpenLDAPResetHistoryAsPasswordAdministrator(t *testing.T) {
	s, _ := slapd(t)
	d := passwordAdmin(t, s)
	login, dn := addPerson(t, s, "fdtpwadm", nil)
	u, err := d.Lookup(t.Context(), login)
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"Admin-First-2026!", "Admin-Second-2026!"} {
		if err := d.SetPassword(t.Context(), u, pw, idp.SetOptions{}); err != nil {
			t.Fatalf("SetPassword(%s): %v", pw, err)
		}
	}
	wantHistory(t, "a password in pwdHistory", d.SetPassword(t.Context(), u, "Admin-First-2026!", idp.SetOptions{}))
	wantHistory(t, "the current password", d.SetPassword(t.Context(), u, "Admin-Second-2026!", idp.SetOptions{}))
	bind := s.fixture(t, nil).Bind
	if err := bind(u, "Admin-Second-2026!"); err != nil {
		t.Fatalf("the current password no longer binds after the refusals: %v", err)
	}
	// The refusals were frontdoor's: slapd itself lets this writer reuse P1.
	if _, err := s.dialAdmin(t).PasswordModify(ldap.NewPasswordModifyRequest(dn, "", "Admin-First-2026!")); err != nil {
		t.Fatalf("slapd now refuses history to the rootdn (%v): this test no longer shows frontdoor's check", err)
	}
	if err := d.SetPassword(t.Context(), u, "Admin-Fresh-2026!", idp.SetOptions{}); err != nil {
		t.Fatalf("reset to a fresh password: %v", err)
	}
	if err := bind(u, "Admin-Fresh-2026!"); err != nil {
		t.Errorf("bind after the fresh reset: %v", err)
	}
}

// TestOpenLDAPResetHistoryFollowsPolicy: with the entry's own policy
// (pwdPolicySubentry) lowered to pwdInHistory 1 after three resets, only the
// newest pwdHistory value and the current password are refused.
func TestOpenLDAPResetHistoryFollowsPolicy(t *testing.T) {
	s, _ := slapd(t)
	admin := s.dialAdmin(t)
	policy := "cn=" + uniq(t, "fdtpolicy") + ",ou=policies," + s.cfg.BaseDN
	add := ldap.NewAddRequest(policy, nil)
	add.Attribute("objectClass", []string{"device", "pwdPolicy"})
	add.Attribute("pwdAttribute", []string{"userPassword"})
	add.Attribute("pwdInHistory", []string{"5"})
	if err := admin.Add(add); err != nil {
		t.Fatalf("add %s: %v", policy, err)
	}
	t.Cleanup(func() { _ = s.dialAdmin(t).Del(ldap.NewDelRequest(policy, nil)) })
	d := passwordAdmin(t, s)
	login, _ := addPerson(t, s, "fdtpolhist", map[string]string{"pwdPolicySubentry": policy})
	u, err := d.Lookup(t.Context(), login)
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"Policy-One-2026!", "Policy-Two-2026!", "Policy-Three-2026!"} {
		if err := d.SetPassword(t.Context(), u, pw, idp.SetOptions{}); err != nil {
			t.Fatalf("SetPassword(%s): %v", pw, err)
		}
	}
	m := ldap.NewModifyRequest(policy, nil)
	m.Replace("pwdInHistory", []string{"1"})
	if err := admin.Modify(m); err != nil {
		t.Fatal(err)
	}
	wantHistory(t, "the newest history password", d.SetPassword(t.Context(), u, "Policy-Two-2026!", idp.SetOptions{}))
	wantHistory(t, "the current password", d.SetPassword(t.Context(), u, "Policy-Three-2026!", idp.SetOptions{}))
	if err := d.SetPassword(t.Context(), u, "Policy-One-2026!", idp.SetOptions{}); err != nil {
		t.Errorf("reset to a password older than pwdInHistory: %v; want it accepted", err)
	}
}

// TestOpenLDAPResetHistoryUnknownScheme: a current password in a scheme
// frontdoor cannot compare ({CRYPT}) does not block the reset, and the debug
// line names the scheme but holds neither the stored value nor the password.
func TestOpenLDAPResetHistoryUnknownScheme(t *testing.T) {
	s, _ := slapd(t)
	const crypt = "{CRYPT}$6$JXrNJY7gnDhgK6R7$vGiEJExGS7ndsm0P4YLneJChIL6W3a36ezHlLxuzgcG6wtfPKZqN0..bAs710StRheHiEy0q/jMHSIFnQT7rn1"
	login, _ := addPerson(t, s, "fdtcrypt", nil)
	d := passwordAdmin(t, s)
	var buf bytes.Buffer
	d.Log = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	u, err := d.Lookup(t.Context(), login)
	if err != nil {
		t.Fatal(err)
	}
	m := ldap.NewModifyRequest(u.DN, nil)
	m.Replace("userPassword", []string{crypt}) // slappasswd's hash of vectorPassword
	if err := s.dialAdmin(t).Modify(m); err != nil {
		t.Fatal(err)
	}
	if err := d.SetPassword(t.Context(), u, vectorPassword, idp.SetOptions{}); err != nil {
		t.Fatalf("reset over a {CRYPT} password: %v; want it written (cannot compare)", err)
	}
	out := buf.String()
	if !strings.Contains(out, "{CRYPT}") {
		t.Errorf("no debug line naming the scheme: %q", out)
	}
	if strings.Contains(out, "JXrNJY7gnDhgK6R7") || strings.Contains(out, vectorPassword) {
		t.Errorf("the debug line holds the hash or the password: %q", out)
	}
}
