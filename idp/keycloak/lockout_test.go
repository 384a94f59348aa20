package keycloak

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

const (
	startPassword = "Start-Pass-2026!"
	nextPassword  = "Next-Pass-2026!"
)

// TestKeycloakAdministrativeDisable: an account an administrator disabled
// is reported disabled, not locked, and frontdoor never writes to it.
func TestKeycloakAdministrativeDisable(t *testing.T) {
	s := keycloak(t)
	d := newDirectory(t, s.cfg)
	u, err := d.Lookup(t.Context(), "disabled")
	if err != nil {
		t.Fatal(err)
	}
	if !u.Disabled || u.Locked || u.PermanentlyLocked {
		t.Fatalf("disabled: Disabled %v, Locked %v, PermanentlyLocked %v; want true, false, false", u.Disabled, u.Locked, u.PermanentlyLocked)
	}
	if err := d.Unlock(t.Context(), u); !errors.Is(err, idp.ErrLocked) {
		t.Errorf("Unlock = %v; want ErrLocked", err)
	}
	if err := d.SetPassword(t.Context(), u, nextPassword, idp.SetOptions{Unlock: true}); !errors.Is(err, idp.ErrLocked) {
		t.Errorf("SetPassword = %v; want ErrLocked", err)
	}
	if after, err := d.Lookup(t.Context(), "disabled"); err != nil || !after.Disabled {
		t.Errorf("after the attempts: Disabled %v, %v; want still disabled", after.Disabled, err)
	}
}

// TestKeycloakResetEndsSessions: after a reset, a session the user had (its
// refresh token) no longer works.
func TestKeycloakResetEndsSessions(t *testing.T) {
	s := keycloak(t)
	d := newDirectory(t, s.cfg)
	login := uniq(t, "fdtsess")
	s.newUser(t, s.cfg.Realm, login, login+"@example.test", startPassword)
	refresh, err := s.refreshToken(s.cfg.Realm, login, startPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.refresh(s.cfg.Realm, refresh); err != nil {
		t.Fatalf("refresh before the reset: %v", err)
	}
	u, err := d.Lookup(t.Context(), login)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetPassword(t.Context(), u, nextPassword, idp.SetOptions{}); err != nil {
		t.Fatal(err)
	}
	if s.refresh(s.cfg.Realm, refresh) == nil {
		t.Error("a session from before the reset can still be refreshed")
	}
}

// TestKeycloakServiceAccountHidden: a client's service account user (here
// frontdoor's own) is never found, so no flow can reset it.
func TestKeycloakServiceAccountHidden(t *testing.T) {
	s := keycloak(t)
	d := newDirectory(t, s.cfg)
	if _, err := d.Lookup(t.Context(), "alice"); err != nil {
		t.Fatalf("Lookup(alice): %v", err)
	}
	login := "service-account-" + s.cfg.ClientID
	if u, err := d.Lookup(t.Context(), login); !errors.Is(err, idp.ErrNotFound) {
		t.Errorf("Lookup(%s) = %q, %v; want ErrNotFound", login, u.ID, err)
	}
}

// TestKeycloakPermanentLockout uses the realm frontdoor-ldap, where the
// first lockout is permanent: Keycloak disables the user and says why, and
// Unlock (or a reset with Unlock) enables it again.
func TestKeycloakPermanentLockout(t *testing.T) {
	s := keycloak(t)
	realm := s.ldapRealm
	d := newDirectory(t, s.in(realm))
	for _, viaReset := range []bool{false, true} {
		login := uniq(t, "fdtperm")
		s.newUser(t, realm, login, login+"@example.test", startPassword)
		for range 2 {
			if s.signIn(realm, login, "Wrong-Pass-2026!") == nil {
				t.Fatal("a wrong password signed in")
			}
		}
		u, err := d.Lookup(t.Context(), login)
		if err != nil {
			t.Fatal(err)
		}
		if !u.Locked || u.Disabled || u.PermanentlyLocked {
			t.Fatalf("permanently locked out: Locked %v, Disabled %v, PermanentlyLocked %v; want true, false, false",
				u.Locked, u.Disabled, u.PermanentlyLocked)
		}
		if s.bind(realm, login, startPassword) == nil {
			t.Fatal("a permanently locked-out user signed in")
		}
		password := startPassword
		if viaReset {
			password = nextPassword
			err = d.SetPassword(t.Context(), u, password, idp.SetOptions{Unlock: true})
		} else {
			err = d.Unlock(t.Context(), u)
		}
		if err != nil {
			t.Fatalf("unlock (via reset %v): %v", viaReset, err)
		}
		if err := s.bind(realm, login, password); err != nil {
			t.Errorf("after unlock (via reset %v): %v", viaReset, err)
		}
		if after, err := d.Lookup(t.Context(), login); err != nil || after.Locked || after.Disabled {
			t.Errorf("after unlock: Locked %v, Disabled %v, %v; want false, false", after.Locked, after.Disabled, err)
		}
	}
}

// TestKeycloakLDAPFederation: in the realm federated to the testenv slapd
// (WRITABLE), a lookup finds the directory's users and a reset through
// Keycloak's admin API is written to the directory.
func TestKeycloakLDAPFederation(t *testing.T) {
	s := keycloak(t)
	v := testenv.Require(t, "slapd", "SLAPD_LDAPS_URL", "SLAPD_CA_FILE", "SLAPD_BASE_DN",
		"SLAPD_ROOT_DN", "SLAPD_ROOT_PASSWORD")
	d := newDirectory(t, s.in(s.ldapRealm))
	alice, err := d.Lookup(t.Context(), "alice")
	if err != nil || alice.Email() != "alice@example.test" || alice.ID == "" {
		t.Fatalf("Lookup(alice) in the LDAP realm = %+v, %v", alice, err)
	}

	dial := func(dn, password string) error {
		pem, err := os.ReadFile(v[1])
		if err != nil {
			return err
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		c, err := ldap.DialURL(v[0], ldap.DialWithTLSConfig(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}))
		if err != nil {
			return err
		}
		defer c.Close()
		return c.Bind(dn, password)
	}
	login := uniq(t, "fdtkc")
	dn := "uid=" + login + ",ou=people," + v[2]
	root, err := ldapAdmin(v)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	add := ldap.NewAddRequest(dn, nil)
	for k, val := range map[string]string{"objectClass": "inetOrgPerson", "uid": login, "cn": login,
		"givenName": "Throw", "sn": "Away", "mail": login + "@example.test", "userPassword": startPassword} {
		add.Attribute(k, []string{val})
	}
	if err := root.Add(add); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
	t.Cleanup(func() {
		if c, err := ldapAdmin(v); err == nil {
			_ = c.Del(ldap.NewDelRequest(dn, nil))
			c.Close()
		}
	})
	// An entry the rootdn adds starts with pwdReset under pwdMustChange.
	m := ldap.NewModifyRequest(dn, nil)
	m.Delete("pwdReset", nil)
	if err := root.Modify(m); err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchAttribute) {
		t.Fatal(err)
	}

	u, err := d.Lookup(t.Context(), login)
	if err != nil {
		t.Fatalf("Lookup of a new directory entry through Keycloak: %v", err)
	}
	if err := d.SetPassword(t.Context(), u, nextPassword, idp.SetOptions{}); err != nil {
		t.Fatalf("SetPassword through Keycloak: %v", err)
	}
	if err := dial(dn, nextPassword); err != nil {
		t.Errorf("bind to the directory with the password set through Keycloak: %v", err)
	}
	if err := dial(dn, startPassword); err == nil {
		t.Error("the old password still binds to the directory")
	}
	if err := s.bind(s.ldapRealm, login, nextPassword); err != nil {
		t.Errorf("sign-in at Keycloak with the new password: %v", err)
	}
}

// ldapAdmin binds to the testenv slapd as its rootdn.
func ldapAdmin(v []string) (*ldap.Conn, error) {
	pem, err := os.ReadFile(v[1])
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c, err := ldap.DialURL(v[0], ldap.DialWithTLSConfig(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}))
	if err != nil {
		return nil, err
	}
	if err := c.Bind(v[3], v[4]); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
