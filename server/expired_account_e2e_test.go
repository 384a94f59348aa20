package server

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestExpiredAccountWalksGeneric: an OpenLDAP account past its
// pwdEndTime walks the reset and unlock flows as any other account does, up
// to a wrong code, and gets no code: an expired account is not reset or
// unlocked by self-service, and the walk does not tell.
func TestExpiredAccountWalksGeneric(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail := expiredSlapdUser(t)
	mp := emptyMailbox(t, mail)
	ctx := context.Background()
	for _, kind := range []string{"reset", "unlock"} {
		c := browser(t)
		_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/"+kind, nil)
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/"+kind+"/identify", url.Values{
			"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, kind)}})
		if !strings.Contains(body, `name="method" value="email"`) {
			t.Fatalf("%s: the expired account is not offered the methods as any account is:\n%s", kind, body)
		}
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/"+kind+"/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/"+kind+"/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {"12345678"}})
		if !strings.Contains(body, "Check it and try again") {
			t.Fatalf("%s: a guessed code for the expired account is not refused as any wrong code:\n%s", kind, body)
		}
	}
	// A live account walked the same way gets its code: mail works, so
	// none for the expired one means none was sent.
	live, liveMail, _ := slapdUser(t)
	c := browser(t)
	fd.atCode(t, c, live, liveMail)
	time.Sleep(time.Second)
	if msgs, err := mp.Messages(ctx, mail); err != nil || len(msgs) != 0 {
		t.Errorf("%d messages to the expired account (%v)", len(msgs), err)
	}
}

// expiredSlapdUser is a throwaway OpenLDAP account past its pwdEndTime.
func expiredSlapdUser(t *testing.T) (login, mail string) {
	t.Helper()
	login, mail, _ = slapdUser(t)
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	m := ldap.NewModifyRequest("uid="+login+",ou=people,"+base, nil)
	m.Replace("pwdEndTime", []string{"20200101000000Z"})
	if err := slapdRoot(t).Modify(m); err != nil {
		t.Fatal(err)
	}
	return login, mail
}
