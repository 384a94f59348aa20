package server

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// An OpenLDAP password older than its policy's pwdMaxAge is expired: the
// account may use the expired-password page (slapd allows grace binds), and
// the change clears the expiry.
func TestExpiredByMaxAge(t *testing.T) {
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	root := slapdRoot(t)
	policy := "cn=fd-expire-" + strings.ToLower(rand.Text()[:8]) + ",ou=policies," + base
	add := ldap.NewAddRequest(policy, nil)
	add.Attribute("objectClass", []string{"device", "pwdPolicy"})
	add.Attribute("pwdAttribute", []string{"userPassword"})
	add.Attribute("pwdMaxAge", []string{"2"})
	add.Attribute("pwdGraceAuthNLimit", []string{"3"})
	add.Attribute("pwdAllowUserChange", []string{"TRUE"})
	if err := root.Add(add); err != nil {
		t.Fatal(err)
	}
	login, _, pw := slapdUser(t)
	t.Cleanup(func() { slapdRoot(t).Del(ldap.NewDelRequest(policy, nil)) })
	m := ldap.NewModifyRequest("uid="+login+",ou=people,"+base, nil)
	m.Replace("pwdPolicySubentry", []string{policy})
	if err := root.Modify(m); err != nil {
		t.Fatal(err)
	}

	cfg := testConfig(t)
	cfg.Change = &config.Change{Expired: true}
	fd := startFrontdoor(t, cfg)
	ctx := context.Background()
	// A password set through ppolicy (a Password Modify) gets its pwdChangedTime.
	u, err := fd.srv.directory.Lookup(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	pw = "Set-By-Admin-" + rand.Text()[:8] + "!"
	if err := fd.srv.directory.(idp.PasswordSetter).SetPassword(ctx, u, pw, idp.SetOptions{}); err != nil {
		t.Fatal(err)
	}
	if u, err := fd.srv.directory.Lookup(ctx, login); err != nil || u.MustChange {
		t.Fatalf("a fresh password: MustChange %v, %v", u.MustChange, err)
	}
	time.Sleep(3 * time.Second) // pwdMaxAge is 2 s
	if u, err := fd.srv.directory.Lookup(ctx, login); err != nil || !u.MustChange {
		t.Fatalf("an expired password: MustChange %v, %v", u.MustChange, err)
	}
	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/change/expired", nil)
	newPW := "Expired-Renew-" + rand.Text()[:8] + "!"
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/change/expired", url.Values{"csrf_token": {csrf(t, body)},
		"login": {login}, "old": {pw}, "password": {newPW}, "confirm": {newPW}})
	if status != http.StatusOK || !strings.Contains(body, "Your password has been changed") {
		t.Fatalf("expired change: %d\n%.1500s", status, body)
	}
	if err := slapdBind(t, login, newPW); err != nil {
		t.Errorf("bind with the new password: %v", err)
	}
}

// With Samba AD as the directory, a user whose password must be changed
// (pwdLastSet=0, as an administrator's reset leaves it) cannot bind, and
// changes it on the expired-password page without signing in; the domain
// controller then takes the new password and no longer asks for a change.
func TestExpiredPasswordChangeActiveDirectory(t *testing.T) {
	cfg := testConfig(t)
	cfg.Directory = adDirectory(t)
	cfg.Change = &config.Change{Expired: true}
	fd := startFrontdoor(t, cfg)
	login, _, _ := adUser(t)
	pw := setMustChange(t, fd, login)
	if conn, err := adConn(t, login+"@example.test", pw); err == nil {
		conn.Close()
		t.Fatal("a must-change account binds with its password")
	}

	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/change/expired", nil)
	newPW := "Domain-Renew-" + rand.Text()[:8] + "!"
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/change/expired", url.Values{"csrf_token": {csrf(t, body)},
		"login": {login}, "old": {pw}, "password": {newPW}, "confirm": {newPW}})
	if status != http.StatusOK || !strings.Contains(body, "Your password has been changed") {
		t.Fatalf("expired change: %d\n%.1500s", status, body)
	}
	conn, err := adConn(t, login+"@example.test", newPW)
	if err != nil {
		t.Fatalf("bind at the domain controller with the new password: %v", err)
	}
	conn.Close()
	if u, err := fd.srv.directory.Lookup(context.Background(), login); err != nil || u.MustChange {
		t.Errorf("after the change: MustChange=%v, %v", u.MustChange, err)
	}
}
