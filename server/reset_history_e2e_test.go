package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// slapdReset sets login's password as frontdoor's service account (Password
// Modify), as a reset does, so that ppolicy records the history.
func slapdReset(t *testing.T, login, password string) {
	t.Helper()
	v := testenv.Require(t, "slapd", "SLAPD_URL", "SLAPD_BIND_DN", "SLAPD_BIND_PASSWORD", "SLAPD_BASE_DN")
	c, err := ldap.DialURL(v[0])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Bind(v[1], v[2]); err != nil {
		t.Fatal(err)
	}
	dn := "uid=" + login + ",ou=people," + v[3]
	if _, err := c.PasswordModify(ldap.NewPasswordModifyRequest(dn, "", password)); err != nil {
		t.Fatalf("set the password of %s: %v", login, err)
	}
}

// TestResetRefusesPasswordUsedBefore sets P1 then P2 as earlier resets would,
// walks the reset flow against slapd and submits P1, then P2 (the current
// password): ppolicy refuses both, the page says the password was used
// before, and P2 still signs in.
func TestResetRefusesPasswordUsedBefore(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, _ := slapdUser(t)
	const first, second = "Copper-Willow-Falcon-41", "Amber-Glacier-Piano-58"
	slapdReset(t, login, first)
	slapdReset(t, login, second)
	c, body := resetWalk(t, fd, login, mail)
	for _, pw := range []string{first, second} {
		var status int
		status, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
			"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "You have used this password before") {
			t.Fatalf("reset to %s: %d, want 422 and the used-before message:\n%s", pw, status, body)
		}
	}
	if err := slapdBind(t, login, second); err != nil {
		t.Errorf("the current password no longer binds after the refusals: %v", err)
	}
}

// TestResetRefusedByDirectoryPolicy (P-8): a password that frontdoor's
// policy takes but the directory's refuses (a ppolicy of this one account
// asking for 40 characters) gets the generic "directory refused" message,
// not slapd's words; the step is given back, nothing is written, and a
// password that meets both then goes through in the same flow.
func TestResetRefusedByDirectoryPolicy(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, password := slapdUser(t)
	v := testenv.Require(t, "slapd", "SLAPD_BASE_DN")
	root := slapdRoot(t)
	policy := "cn=strict-" + login + ",ou=policies," + v[0]
	add := ldap.NewAddRequest(policy, nil)
	add.Attribute("objectClass", []string{"device", "pwdPolicy"})
	add.Attribute("pwdAttribute", []string{"userPassword"})
	add.Attribute("pwdMinLength", []string{"40"})
	add.Attribute("pwdCheckQuality", []string{"2"})
	if err := root.Add(add); err != nil {
		t.Fatalf("add %s: %v", policy, err)
	}
	t.Cleanup(func() { slapdRoot(t).Del(ldap.NewDelRequest(policy, nil)) })
	mod := ldap.NewModifyRequest("uid="+login+",ou=people,"+v[0], nil)
	mod.Add("pwdPolicySubentry", []string{policy})
	if err := root.Modify(mod); err != nil {
		t.Fatalf("give %s the strict policy: %v", login, err)
	}

	c, body := resetWalk(t, fd, login, mail)
	const short, long = "Copper-Willow-Falcon-Harbour-77", "Copper-Willow-Falcon-Harbour-Lantern-Meadow-77"
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {short}, "confirm": {short}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "The directory refused this password.") {
		t.Fatalf("a password the directory refuses: %d, want 422 and the directory's refusal:\n%s", status, body)
	}
	for _, raw := range []string{"ppolicy", "Constraint", "passwordTooShort", "too short", "quality checking", "LDAP Result"} {
		if strings.Contains(body, raw) {
			t.Errorf("the page shows the directory's own words %q", raw)
		}
	}
	if err := slapdBind(t, login, password); err != nil {
		t.Fatalf("the old password no longer binds after the refusal: %v", err)
	}
	status, _, _ = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {long}, "confirm": {long}})
	if status != http.StatusOK {
		t.Fatalf("a password that meets both policies, in the same flow: %d", status)
	}
	slapdPasswordIs(t, login, long, password)
}
