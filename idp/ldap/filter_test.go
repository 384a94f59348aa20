package ldap

import (
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// FuzzLoginFilter checks that no login changes the filter's shape: it always
// compiles to the user filter AND an OR of one equality per login attribute,
// each asserting exactly the login.
func FuzzLoginFilter(f *testing.F) {
	for _, s := range []string{"alice", "*", "*)(uid=*", "a\x00b", `\2a`, "(|(uid=*))", "é🔑", ")(&"} {
		f.Add(s)
	}
	d, err := New(Config{Dialect: OpenLDAP, URLs: []string{"ldaps://h"}, BaseDN: "dc=x",
		BindDN: "cn=s,dc=x", BindPassword: "p"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, login string) {
		pkt, err := ldap.CompileFilter(d.loginFilter(login))
		if err != nil {
			t.Fatalf("login %q: filter does not compile: %v", login, err)
		}
		if pkt.Tag != ldap.FilterAnd || len(pkt.Children) != 2 {
			t.Fatalf("login %q: top is not AND(user filter, OR)", login)
		}
		or := pkt.Children[1]
		if or.Tag != ldap.FilterOr || len(or.Children) != len(d.cfg.LoginAttributes) {
			t.Fatalf("login %q: %d alternatives; want %d", login, len(or.Children), len(d.cfg.LoginAttributes))
		}
		for i, eq := range or.Children {
			if eq.Tag != ldap.FilterEqualityMatch || len(eq.Children) != 2 {
				t.Fatalf("login %q: alternative %d is not an equality", login, i)
			}
			attr := eq.Children[0].Data.String()
			value := eq.Children[1].Data.String()
			if attr != d.cfg.LoginAttributes[i] || value != login {
				t.Fatalf("login %q: alternative %d is %s=%q", login, i, attr, value)
			}
		}
	})
}
