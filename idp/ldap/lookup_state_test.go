package ldap

import (
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// TestOpenLDAPEndTimeForms: pwdEndTime is read in any GeneralizedTime form;
// one that does not parse counts as passed.
func TestOpenLDAPEndTimeForms(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	d := &Directory{Now: func() time.Time { return now }}
	for end, expired := range map[string]bool{
		"20200101000000Z":     true,
		"20200101000000.5Z":   true,
		"202001010000Z":       true,
		"20261130130000+0200": true, // 11:00 UTC
		"20261130130000Z":     false,
		"20261130110000-0200": false, // 13:00 UTC
		"29990101000000Z":     false,
		"next tuesday":        true,
		"20261399000000Z":     true,
	} {
		var u idp.User
		d.openLDAPState(ldap.NewEntry("uid=x,dc=example,dc=test", map[string][]string{"pwdEndTime": {end}}), &u)
		if u.Expired != expired {
			t.Errorf("pwdEndTime %q: Expired %v, want %v", end, u.Expired, expired)
		}
	}
	var u idp.User
	d.openLDAPState(ldap.NewEntry("uid=x,dc=example,dc=test", nil), &u)
	if u.Expired {
		t.Error("no pwdEndTime: Expired")
	}
}
