package server

import (
	"crypto/tls"
	"crypto/x509"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

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

// adSetPassword sets a password as the domain administrator (no history check).
func adSetPassword(t testing.TB, dn, password string) {
	v := testenv.Require(t, "samba", "SAMBA_ADMIN_DN", "SAMBA_ADMIN_PASSWORD")
	c, err := adConn(t, v[0], v[1])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	q := utf16.Encode([]rune(`"` + password + `"`))
	b := make([]byte, 2*len(q))
	for i, r := range q {
		b[2*i], b[2*i+1] = byte(r), byte(r>>8)
	}
	m := ldap.NewModifyRequest(dn, nil)
	m.Replace("unicodePwd", []string{string(b)})
	if err := c.Modify(m); err != nil {
		t.Errorf("restore %s: %v", dn, err)
	}
}

// TestResetEndToEndActiveDirectory is the reset walk with Samba AD as the
// directory: the new password binds at the domain controller.
func TestResetEndToEndActiveDirectory(t *testing.T) {
	v := testenv.Require(t, "samba", "SAMBA_URL", "SAMBA_CA_FILE", "SAMBA_BIND_DN", "SAMBA_BIND_PASSWORD", "SAMBA_BASE_DN")
	cfg := testConfig(t)
	cfg.Directory = &config.Directory{Type: "activedirectory", URLs: []string{v[0]}, CAFile: v[1], BindDN: v[2], BindPassword: v[3], BaseDN: v[4]}
	fd := startFrontdoor(t, cfg)
	const login, mail = "carol", "carol@example.test"
	dn := "CN=carol,CN=Users," + v[4]
	t.Cleanup(func() { adSetPassword(t, dn, "Carol-Start-2026!") })

	c, body := resetWalk(t, fd, login, mail)
	pw := "Domain-Orchard-" + time.Now().Format("150405.000") + "!"
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("no confirmation page:\n%s", body)
	}
	conn, err := adConn(t, login+"@example.test", pw)
	if err != nil {
		t.Fatalf("bind at the domain controller with the new password: %v", err)
	}
	conn.Close()
	if conn, err := adConn(t, login+"@example.test", "Carol-Start-2026!"); err == nil {
		conn.Close()
		t.Fatal("the old password still binds")
	}
}
