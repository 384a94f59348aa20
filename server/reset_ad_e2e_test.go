package server

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	ldapbackend "github.com/frontdoor-sspr/frontdoor/idp/ldap"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// adConn binds to the testenv Samba AD DC over LDAPS.
func adConn(t testing.TB, dn, password string) (*ldap.Conn, error) {
	v := testenv.Require(t, "samba", "SAMBA_URL", "SAMBA_CA_FILE")
	pem, err := os.ReadFile(v[1])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	u, _ := url.Parse(v[0])
	c, err := ldap.DialURL(v[0], ldap.DialWithTLSConfig(&tls.Config{RootCAs: pool, ServerName: u.Hostname()}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Bind(dn, password); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// adDirectory is the testenv Samba AD DC as frontdoor's directory.
func adDirectory(t testing.TB) *config.Directory {
	v := testenv.Require(t, "samba", "SAMBA_URL", "SAMBA_CA_FILE", "SAMBA_BIND_DN", "SAMBA_BIND_PASSWORD", "SAMBA_BASE_DN")
	return &config.Directory{Type: "activedirectory", Backend: &ldapbackend.Config{Dialect: ldapbackend.ActiveDirectory,
		URLs: []string{v[0]}, CAFile: v[1], BindDN: v[2], BindPassword: v[3], BaseDN: v[4]}}
}

// adUser creates a throwaway enabled user in Samba AD for one test, as the
// domain administrator, and deletes it at the end.
func adUser(t testing.TB) (login, mail, password string) {
	t.Helper()
	v := testenv.Require(t, "samba", "SAMBA_ADMIN_DN", "SAMBA_ADMIN_PASSWORD", "SAMBA_BASE_DN")
	c, err := adConn(t, v[0], v[1])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	login = "fd-" + strings.ToLower(rand.Text()[:10])
	mail, password = login+"@example.test", "Throwaway-Start-"+rand.Text()[:6]+"!"
	dn := "CN=" + login + ",CN=Users," + v[2]
	q := utf16.Encode([]rune(`"` + password + `"`))
	pw := make([]byte, 2*len(q))
	for i, r := range q {
		pw[2*i], pw[2*i+1] = byte(r), byte(r>>8)
	}
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	add.Attribute("sAMAccountName", []string{login})
	add.Attribute("userPrincipalName", []string{login + "@example.test"})
	add.Attribute("givenName", []string{"Tess"})
	add.Attribute("sn", []string{"Throwaway"})
	add.Attribute("mail", []string{mail})
	add.Attribute("unicodePwd", []string{string(pw)})
	add.Attribute("userAccountControl", []string{"512"})
	if err := c.Add(add); err != nil {
		t.Fatalf("create %s: %v", dn, err)
	}
	t.Cleanup(func() {
		c, err := adConn(t, v[0], v[1])
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		if err := c.Del(ldap.NewDelRequest(dn, nil)); err != nil {
			t.Errorf("delete %s: %v", dn, err)
		}
	})
	return login, mail, password
}

// TestResetEndToEndActiveDirectory is the reset walk with Samba AD as the
// directory: the new password binds at the domain controller.
func TestResetEndToEndActiveDirectory(t *testing.T) {
	cfg := testConfig(t)
	cfg.Directory = adDirectory(t)
	fd := startFrontdoor(t, cfg)
	login, mail, oldPassword := adUser(t)

	c, body := resetWalk(t, fd, login, mail)
	pw := "Domain-Orchard-" + time.Now().Format("150405.000") + "!"
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("no confirmation page:\n%s", body)
	}
	adPasswordIs(t, login, pw, oldPassword)
}

// adPasswordIs checks at the domain controller that login's password is now
// pw and that old no longer binds.
func adPasswordIs(t *testing.T, login, pw, old string) {
	t.Helper()
	conn, err := adConn(t, login+"@example.test", pw)
	if err != nil {
		t.Fatalf("bind at the domain controller with the new password: %v", err)
	}
	conn.Close()
	if conn, err := adConn(t, login+"@example.test", old); err == nil {
		conn.Close()
		t.Fatal("the old password still binds")
	}
}
