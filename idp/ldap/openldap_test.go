package ldap

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/idp/idptest"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

func slapd(t *testing.T) (server, string) {
	v := testenv.Require(t, "slapd", "SLAPD_URL", "SLAPD_LDAPS_URL", "SLAPD_CA_FILE", "SLAPD_BASE_DN",
		"SLAPD_BIND_DN", "SLAPD_BIND_PASSWORD", "SLAPD_ROOT_DN", "SLAPD_ROOT_PASSWORD")
	return server{
		cfg: Config{
			Dialect:      OpenLDAP,
			URLs:         []string{v[1]},
			CAFile:       v[2],
			BaseDN:       v[3],
			BindDN:       v[4],
			BindPassword: v[5],
			RootDN:       v[6],
			AdminGroups:  []string{"cn=admins,ou=groups," + v[3]},
		},
		adminDN:   v[6],
		adminPass: v[7],
	}, v[0]
}

func TestOpenLDAPConformance(t *testing.T) {
	s, _ := slapd(t)
	base := s.cfg.BaseDN
	f := s.fixture(t, func(t *testing.T, login, mail, password string) {
		admin := s.dialAdmin(t)
		dn := "uid=" + ldap.EscapeDN(login) + ",ou=people," + base
		add := ldap.NewAddRequest(dn, nil)
		add.Attribute("objectClass", []string{"inetOrgPerson"})
		add.Attribute("uid", []string{login})
		add.Attribute("cn", []string{login})
		add.Attribute("sn", []string{"Throwaway"})
		add.Attribute("mail", []string{mail})
		add.Attribute("userPassword", []string{password})
		if err := admin.Add(add); err != nil {
			t.Fatalf("add %s: %v", dn, err)
		}
		t.Cleanup(func() {
			if err := s.dialAdmin(t).Del(ldap.NewDelRequest(dn, nil)); err != nil {
				t.Errorf("delete %s: %v", dn, err)
			}
		})
		// An entry added by the rootdn starts with pwdReset under pwdMustChange.
		m := ldap.NewModifyRequest(dn, nil)
		m.Delete("pwdReset", nil)
		if err := admin.Modify(m); err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchAttribute) {
			t.Fatalf("clear pwdReset on %s: %v", dn, err)
		}
	})
	f.HelpdeskGroup = "cn=helpdesk,ou=groups," + base
	f.PermanentLock = true
	f.ResetHistory = true
	idptest.Run(t, f)
}

func TestOpenLDAPTransport(t *testing.T) {
	s, plain := slapd(t)
	testTransport(t, s, plain, ActiveDirectory)
}

// TestOpenLDAPExpired sets a pwdEndTime in the past on a throwaway entry:
// ppolicy refuses its binds, and the backend reports it expired.
func TestOpenLDAPExpired(t *testing.T) {
	s, _ := slapd(t)
	admin := s.dialAdmin(t)
	login := uniq(t, "fdtend")
	dn := "uid=" + login + ",ou=people," + s.cfg.BaseDN
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"inetOrgPerson"})
	for k, v := range map[string]string{"uid": login, "cn": login, "sn": "Throwaway",
		"userPassword": "Start-Pass-2026!", "pwdEndTime": "20200101000000Z"} {
		add.Attribute(k, []string{v})
	}
	if err := admin.Add(add); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
	t.Cleanup(func() { _ = s.dialAdmin(t).Del(ldap.NewDelRequest(dn, nil)) })
	d := newDirectory(t, s.cfg)
	u, err := d.Lookup(t.Context(), login)
	if err != nil || !u.Expired || u.Locked {
		t.Fatalf("Lookup: Expired %v, Locked %v, %v; want true, false", u.Expired, u.Locked, err)
	}
	if c, err := dialAs(s.cfg, dn, "Start-Pass-2026!"); err == nil {
		c.Close()
		t.Error("an entry past its pwdEndTime can still bind")
	}
}

// TestOpenLDAPReferralNotFollowed: an entry that is a referral to
// another server is not followed: the lookup finds no one and opens no
// connection to the server the referral names.
func TestOpenLDAPReferralNotFollowed(t *testing.T) {
	s, _ := slapd(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dialed := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
			dialed <- struct{}{}
		}
	}()
	login := uniq(t, "fdtref")
	dn := "uid=" + login + ",ou=people," + s.cfg.BaseDN
	add := ldap.NewAddRequest(dn, []ldap.Control{ldap.NewControlManageDsaIT(true)})
	add.Attribute("objectClass", []string{"referral", "extensibleObject"})
	add.Attribute("uid", []string{login})
	add.Attribute("ref", []string{"ldap://" + ln.Addr().String() + "/" + dn})
	if err := s.dialAdmin(t).Add(add); err != nil {
		t.Fatalf("add referral %s: %v", dn, err)
	}
	t.Cleanup(func() {
		_ = s.dialAdmin(t).Del(ldap.NewDelRequest(dn, []ldap.Control{ldap.NewControlManageDsaIT(true)}))
	})
	d := newDirectory(t, s.cfg)
	if u, err := d.Lookup(t.Context(), login); !errors.Is(err, idp.ErrNotFound) {
		t.Errorf("Lookup of a referral: %q, %v; want not found", u.Login, err)
	}
	select {
	case <-dialed:
		t.Error("the lookup connected to the server the referral names")
	case <-time.After(500 * time.Millisecond):
	}
}
