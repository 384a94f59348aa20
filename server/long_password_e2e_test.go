package server

import (
	"crypto/rand"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// longPassword is a password of n characters with the four classes, none of
// them in a run or a dictionary word.
func longPassword(n int) string {
	var b strings.Builder
	for b.Len() < n {
		part := rand.Text() // 26 of A-Z and 2-7
		b.WriteString(part[:8] + "-" + strings.ToLower(part[8:16]) + "!")
	}
	return b.String()[:n]
}

// TestLongPasswordsSignIn (P-2): passwords of 64 and 128 characters are
// set through frontdoor and sign in at SimpleSAMLphp (through frontdoor, on
// the OpenLDAP account) whole: the same password with its 64th character,
// then its 65th, changed does not.
func TestLongPasswordsSignIn(t *testing.T) {
	fd := startFrontdoor(t, nil)
	start := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	for _, n := range []int{64, 128} {
		login, mail, _ := slapdUser(t)
		pw := longPassword(n)
		c, body := resetWalk(t, fd, login, mail)
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
			"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
		if !strings.Contains(body, "Your password has been reset") {
			t.Fatalf("%d characters: no confirmation page:\n%s", n, body)
		}
		signIn := func(password string) bool {
			t.Helper()
			b := browser(t)
			_, u, body := page(t, b, "GET", fd.URL+start, nil)
			_, _, body = page(t, b, "POST", u.String(), url.Values{"username": {login}, "password": {password}, "AuthState": {hiddenValue(t, body, "AuthState")}})
			return strings.Contains(body, mail)
		}
		if !signIn(pw) {
			t.Errorf("%d characters: the password set does not sign in", n)
		}
		for _, at := range []int{63, 64} {
			if at >= n {
				continue
			}
			changed := []byte(pw)
			changed[at] ^= 1 // another letter, digit or sign of the same class
			if signIn(string(changed)) {
				t.Errorf("%d characters: the password with character %d changed signs in: it was cut", n, at+1)
			}
		}
	}
}
