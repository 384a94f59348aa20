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
