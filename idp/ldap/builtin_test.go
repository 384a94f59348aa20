package ldap

import (
	"crypto/rand"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// TestActiveDirectoryAdminsFoundBySID: a member of Domain Admins without
// adminCount (which only SDProp sets, and Samba runs none) is privileged
// when base_dn is a container below the domain's root, where the groups'
// usual DNs, made from base_dn, would name nothing.
func TestActiveDirectoryAdminsFoundBySID(t *testing.T) {
	s, _ := samba(t)
	base := s.cfg.BaseDN
	login := "fd-sid-" + strings.ToLower(rand.Text()[:8])
	dn := "CN=" + login + ",CN=Users," + base
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	add.Attribute("sAMAccountName", []string{login})
	add.Attribute("unicodePwd", []string{unicodePwd("Throwaway-Sid-" + rand.Text()[:6] + "!")})
	add.Attribute("userAccountControl", []string{"512"})
	admin := s.dialAdmin(t)
	if err := admin.Add(add); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
	t.Cleanup(func() { s.dialAdmin(t).Del(ldap.NewDelRequest(dn, nil)) })

	cfg := s.cfg
	cfg.BaseDN = "CN=Users," + base
	u, err := newDirectory(t, cfg).Lookup(t.Context(), login)
	if err != nil || u.Privileged {
		t.Fatalf("before joining Domain Admins: privileged %v, %v", u.Privileged, err)
	}
	mod := ldap.NewModifyRequest("CN=Domain Admins,CN=Users,"+base, nil)
	mod.Add("member", []string{dn})
	if err := admin.Modify(mod); err != nil {
		t.Fatal(err)
	}
	u, err = newDirectory(t, cfg).Lookup(t.Context(), login)
	if err != nil || !u.Privileged {
		t.Fatalf("a Domain Admin under base_dn %s: privileged %v, %v", cfg.BaseDN, u.Privileged, err)
	}
}

func TestSIDString(t *testing.T) {
	// S-1-5-21-1004336348-1177238915-682003330-512, as AD stores it.
	b := []byte{1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xdc, 0xf4, 0xdc, 0x3b, 0x83, 0x3d, 0x2b, 0x46, 0x82, 0x8b, 0xa6, 0x28, 0x00, 0x02, 0x00, 0x00}
	if got, err := sidString(b); err != nil || got != "S-1-5-21-1004336348-1177238915-682003330-512" {
		t.Errorf("sidString = %q, %v", got, err)
	}
	for _, bad := range [][]byte{nil, {1}, {2, 0, 0, 0, 0, 0, 0, 5}, {1, 2, 0, 0, 0, 0, 0, 5, 1, 0, 0, 0}} {
		if _, err := sidString(bad); err == nil {
			t.Errorf("sidString(%v) took a malformed SID", bad)
		}
	}
}
