package server

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestOtherFlowsLeaveTheResetCode (C-8): with a reset waiting for its
// mailed code, the same browser runs an unlock of the same account, posts
// wrong codes there (the reset's code among them), asks it for another code
// and cancels it. The reset's code is untouched: it still opens the reset's
// new-password form.
func TestOtherFlowsLeaveTheResetCode(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, _ := slapdUser(t)
	mp := testenv.Mailpit(t)
	ctx := context.Background()
	if err := mp.Delete(ctx, mail); err != nil {
		t.Fatal(err)
	}
	c := browser(t)
	reset, code := fd.atCode(t, c, login, mail)
	if err := mp.Delete(ctx, mail); err != nil {
		t.Fatal(err)
	}

	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/unlock", nil)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/unlock/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, "unlock")}})
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/unlock/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	if _, err := mp.WaitFor(ctx, mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) }); err != nil {
		t.Fatalf("the unlock's code: %v", err)
	}
	for _, wrong := range []string{code, "00000000"} { // the reset's code is a wrong code here
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/unlock/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {wrong}})
		if !strings.Contains(body, "Check it and try again") {
			t.Fatalf("a wrong code at the unlock:\n%s", body)
		}
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/unlock/resend", url.Values{"csrf_token": {csrf(t, body)}})
	page(t, c, "GET", cancelLink(t, body), nil)

	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, reset)}, "code": {code}})
	if !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("the reset's code no longer opens the new-password form:\n%s", body)
	}
}
