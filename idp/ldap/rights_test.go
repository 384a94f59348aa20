package ldap

import (
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// TestActiveDirectoryServiceAccountRights: the testenv's service account,
// given the rights docs/directories.md lists and nothing more, holds no
// excess; the domain's Administrator, as a DN and as a user principal name,
// is reported with its administrators' groups.
func TestActiveDirectoryServiceAccountRights(t *testing.T) {
	s, _ := samba(t)
	if excess, err := newDirectory(t, s.cfg).ExcessRights(t.Context()); err != nil || excess != "" {
		t.Fatalf("the delegated service account: %q, %v; want nothing", excess, err)
	}

	admin := s.cfg
	admin.BindDN, admin.BindPassword = s.adminDN, s.adminPass
	excess, err := newDirectory(t, admin).ExcessRights(t.Context())
	if err != nil || !strings.Contains(excess, "a member of CN=Domain Admins,") || !strings.Contains(excess, "is an administrator") {
		t.Fatalf("Administrator by DN: %q, %v; want Domain Admins named", excess, err)
	}

	res, err := s.dialAdmin(t).Search(ldap.NewSearchRequest(s.adminDN, ldap.ScopeBaseObject, ldap.NeverDerefAliases,
		1, 0, false, "(objectClass=*)", []string{"sAMAccountName"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("read the administrator's entry: %v", err)
	}
	realm := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(strings.ToLower(s.cfg.BaseDN), "dc="), ",dc=", "."))
	sam := res.Entries[0].GetAttributeValue("sAMAccountName")
	nb, err := s.dialAdmin(t).Search(ldap.NewSearchRequest("CN=Partitions,CN=Configuration,"+s.cfg.BaseDN, ldap.ScopeSingleLevel,
		ldap.NeverDerefAliases, 0, 0, false, "(nETBIOSName=*)", []string{"nETBIOSName"}, nil))
	if err != nil || len(nb.Entries) != 1 {
		t.Fatalf("the domain's NetBIOS name: %v", err)
	}
	for _, name := range []string{sam + "@" + realm, nb.Entries[0].GetAttributeValue("nETBIOSName") + `\` + sam} {
		admin.BindDN = name
		excess, err = newDirectory(t, admin).ExcessRights(t.Context())
		if err != nil || !strings.Contains(excess, "a member of CN=Domain Admins,") {
			t.Fatalf("Administrator as %s: %q, %v; want Domain Admins named", name, excess, err)
		}
	}
}

func TestDNSName(t *testing.T) {
	for dn, want := range map[string]string{"DC=example,DC=test": "example.test", "dc=corp,DC=Example,dc=com": "corp.Example.com", "OU=x,DC=a,DC=b": "a.b", "not a dn": ""} {
		if got := dnsName(dn); got != want {
			t.Errorf("dnsName(%q) = %q, want %q", dn, got, want)
		}
	}
}

// TestOpenLDAPServiceAccountRights: a service account in an admin_groups
// group is reported; the testenv's, in none, is not.
func TestOpenLDAPServiceAccountRights(t *testing.T) {
	s, _ := slapd(t)
	if excess, err := newDirectory(t, s.cfg).ExcessRights(t.Context()); err != nil || excess != "" {
		t.Fatalf("the service account: %q, %v; want nothing", excess, err)
	}
	cfg := s.cfg
	cfg.AdminGroups = append([]string{"cn=frontdoor-rights-test,ou=groups," + s.cfg.BaseDN}, cfg.AdminGroups...)
	dn := cfg.AdminGroups[0]
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"groupOfNames"})
	add.Attribute("member", []string{s.cfg.BindDN})
	admin := s.dialAdmin(t)
	if err := admin.Add(add); err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultEntryAlreadyExists) {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.dialAdmin(t).Del(ldap.NewDelRequest(dn, nil)) })
	excess, err := newDirectory(t, cfg).ExcessRights(t.Context())
	if err != nil || !strings.Contains(excess, "a member of "+dn) {
		t.Fatalf("a service account in an admin group: %q, %v", excess, err)
	}
}
