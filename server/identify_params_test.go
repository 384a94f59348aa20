package server

import (
	"context"
	"crypto/rand"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestIdentifyTakesOneLoginAndNoDestination (N-2, N-3): identify is posted
// with three user IDs, one in the query and two in the body, with address and
// phone parameters added, and the method step with an address of its own.
// The flow acts on the first user ID of the body alone, and the code goes to
// the address the directory holds for it, nowhere else.
func TestIdentifyTakesOneLoginAndNoDestination(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, _ := slapdUser(t)
	other, otherMail, _ := slapdUser(t)
	attacker := "fd-attacker-" + strings.ToLower(rand.Text()[:8]) + "@example.test"
	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
	captcha := fd.captchaAnswer(t, c, "reset")
	query := url.Values{"login": {other}, "email": {attacker}}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify?"+query.Encode(), url.Values{
		"csrf_token": {csrf(t, body)}, "captcha": {captcha},
		"login":       {login, other},
		"email":       {attacker, otherMail},
		"email[]":     {attacker},
		"mail":        {mail + "," + attacker},
		"phone":       {"+14155550100"},
		"destination": {attacker},
		"to":          {mail + "\n" + attacker},
	})
	if !strings.Contains(body, `name="method"`) {
		t.Fatalf("identify did not go on to the choice of method:\n%s", body)
	}
	page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{
		"csrf_token": {csrf(t, body)}, "method": {"email"}, "email": {attacker}, "destination": {attacker}})
	if code := waitCode(t, mail); code == "" {
		t.Fatal("no code reached the account's own address")
	}
	// The code went out before waitCode returned; anything sent elsewhere by
	// the same send would be in mailpit by now. Wait a little more anyway.
	time.Sleep(500 * time.Millisecond)
	mp := testenv.Mailpit(t)
	for _, to := range []string{attacker, otherMail} {
		msgs, err := mp.Messages(context.Background(), to)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 0 {
			t.Errorf("%d message(s) went to %s; want none: only the first user ID's directory address gets mail", len(msgs), to)
		}
	}
}
