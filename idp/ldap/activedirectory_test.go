package ldap

import (
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/idp/idptest"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

func samba(t *testing.T) (server, string) {
	v := testenv.Require(t, "samba", "SAMBA_URL", "SAMBA_LDAP_URL", "SAMBA_CA_FILE", "SAMBA_BASE_DN",
		"SAMBA_BIND_DN", "SAMBA_BIND_PASSWORD", "SAMBA_ADMIN_DN", "SAMBA_ADMIN_PASSWORD")
	return server{
		cfg: config.Directory{
			Type:         string(ActiveDirectory),
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
	idptest.Run(t, f)
}

func TestActiveDirectoryTransport(t *testing.T) {
	s, plain := samba(t)
	testTransport(t, s, plain, OpenLDAP)
}
