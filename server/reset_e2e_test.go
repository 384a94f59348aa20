package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// resetWalk walks the reset flow from the sign-in page's injected link up to
// the new-password page, for a user whose mail lands in mailpit, and returns
// the browser and the password page.
func resetWalk(t *testing.T, fd *frontdoor, login, mail string) (*http.Client, string) {
	t.Helper()
	ssp := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	mp := testenv.Mailpit(t)
	ctx := context.Background()
	if err := mp.Delete(ctx, mail); err != nil {
		t.Fatal(err)
	}
	c := browser(t)

	status, _, body := page(t, c, "GET", fd.URL+ssp, nil)
	if status != 200 || !strings.Contains(body, `name="AuthState"`) {
		t.Fatalf("sign-in page through frontdoor: %d\n%s", status, body)
	}
	link := injectedLink(t, body, "Forgot my password")
	if !strings.HasPrefix(link, "/.frontdoor/reset?return_to=%2Fsimplesaml%2Fmodule.php%2Fcore%2Floginuserpass.php") {
		t.Fatalf("injected link %q does not carry the sign-in page", link)
	}

	_, _, body = page(t, c, "GET", fd.URL+link, nil)
	_, u, body := page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {" " + strings.ToUpper(login) + " "}, "captcha": {fd.captchaAnswer(t, c, "reset")},
	})
	if u.Path != "/.frontdoor/reset/step" || !strings.Contains(body, `name="method" value="email"`) {
		t.Fatalf("after identify: %s\n%s", u, body)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	if !strings.Contains(body, `name="code"`) {
		t.Fatalf("after choosing email: no code field\n%s", body)
	}
	msg, err := mp.WaitFor(ctx, mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) })
	if err != nil {
		t.Fatal(err)
	}
	code := codeRE.FindStringSubmatch(msg.Text)[1]
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {code}})
	body = textGate(t, fd, c, "reset", login, body) // privileged accounts pass two
	if !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("after the code: no new-password form\n%s", body)
	}
	return c, body
}

func TestResetEndToEnd(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, oldPassword := slapdUser(t)
	const newPassword = "Quartz-Meadow-Lantern-93"

	c, body := resetWalk(t, fd, login, mail)

	// A guessable password is refused with the reference's message.
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {"Password123!"}, "confirm": {"Password123!"}})
	if !strings.Contains(body, "easily guessable") {
		t.Fatalf("guessable password not refused with the seed message:\n%s", body)
	}
	if err := slapdBind(t, login, "Password123!"); err == nil {
		t.Fatal("a refused password was written to the directory")
	}

	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {newPassword}, "confirm": {newPassword}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("no confirmation page:\n%s", body)
	}
	slapdPasswordIs(t, login, newPassword, oldPassword)

	// Back to the remembered sign-in page, on the public origin, and sign in.
	back := backLink(t, body)
	if !strings.HasPrefix(back, fd.URL+"/simplesaml/module.php/core/loginuserpass.php?AuthState=") {
		t.Fatalf("back link %q is not the sign-in page on the public origin", back)
	}
	_, _, body = page(t, c, "GET", back, nil)
	authState := hiddenValue(t, body, "AuthState")
	_, _, body = page(t, c, "POST", back, url.Values{"username": {login}, "password": {newPassword}, "AuthState": {authState}})
	if !strings.Contains(body, mail) {
		t.Fatalf("signing in at SimpleSAMLphp with the new password failed:\n%s", body)
	}

	mp := testenv.Mailpit(t)
	if _, err := mp.WaitFor(context.Background(), mail, 15*time.Second, func(m testenv.Mail) bool {
		return strings.Contains(m.Text, "was reset") && strings.Contains(m.Text, "contact your administrator") &&
			strings.Contains(m.Text, "This was done from the network address 127.0.0.1.")
	}); err != nil {
		t.Fatalf("no confirmation email that says where the reset came from: %v", err)
	}
}

func backLink(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `class="button" href="`)
	if i < 0 {
		t.Fatalf("no back link in:\n%s", body)
	}
	rest := body[i+len(`class="button" href="`):]
	return htmlUnescape(rest[:strings.IndexByte(rest, '"')])
}

func hiddenValue(t *testing.T, body, name string) string {
	t.Helper()
	key := `name="` + name + `" value="`
	i := strings.Index(body, key)
	if i < 0 {
		t.Fatalf("no %s field in:\n%s", name, body)
	}
	rest := body[i+len(key):]
	return htmlUnescape(rest[:strings.IndexByte(rest, '"')])
}
