package server

import (
	"net/url"
	"strings"
	"testing"
)

// TestOtherFlowsLeaveTheResetCode (C-8): with a reset waiting for its
// mailed code, the same browser runs an unlock of the same account, posts
// wrong codes there (the reset's code among them), asks it for another code
// and cancels it. The reset's code is untouched: it still opens the reset's
// new-password form.
func TestOtherFlowsLeaveTheResetCode(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, _ := slapdUser(t)
	emptyMailbox(t, mail)
	c := browser(t)
	reset, code := fd.atCode(t, c, login, mail)
	emptyMailbox(t, mail)

	body, _ := fd.atCodeIn(t, c, "unlock", login, mail)
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
