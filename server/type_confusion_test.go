package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPasswordStepTypeConfusion (N-4): the new-password step posted with
// the password missing, empty, as an array, 1 MB long, or as JSON of every
// type (null, "", [], {}, 0, true) is refused with a 4xx, and no Password
// Modify reaches the directory. The flow is still there after: the right
// post then sets the password.
func TestPasswordStepTypeConfusion(t *testing.T) {
	fd, tap := frontdoorBehindTap(t, nil)
	login, mail, old := slapdUser(t)
	c, body := resetWalk(t, fd, login, mail)
	token := csrf(t, body)
	before := tap.count()
	post := func(name, contentType, payload string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, fd.URL+"/.frontdoor/reset/password", strings.NewReader(payload))
		req.Header.Set("Content-Type", contentType)
		resp, err := noFollow(c).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("%s: status %d, want a 4xx", name, resp.StatusCode)
		}
	}
	const form = "application/x-www-form-urlencoded"
	post("missing", form, url.Values{"csrf_token": {token}}.Encode())
	post("empty", form, url.Values{"csrf_token": {token}, "password": {""}, "confirm": {""}}.Encode())
	post("array", form, url.Values{"csrf_token": {token}, "password[]": {"Array-Harbour-Lantern-1"}, "confirm[]": {"Array-Harbour-Lantern-1"}}.Encode())
	long := strings.Repeat("Aa1-", 1<<18)
	post("1 MB", form, url.Values{"csrf_token": {token}, "password": {long}, "confirm": {long}}.Encode())
	for _, v := range []string{`null`, `""`, `[]`, `{}`, `0`, `true`, `["Json-Harbour-Lantern-1"]`} {
		post("JSON "+v, "application/json", `{"csrf_token":"`+token+`","password":`+v+`,"confirm":`+v+`}`)
	}
	if writes := tap.passwordWritesSince(before); writes != 0 {
		t.Errorf("%d Password Modify requests reached the directory", writes)
	}
	if err := slapdBind(t, login, old); err != nil {
		t.Fatalf("the old password no longer binds: %v", err)
	}
	const pw = "Typed-Harbour-Lantern-62"
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {token}, "password": {pw}, "confirm": {pw}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("the right post after the refused ones:\n%s", body)
	}
}
