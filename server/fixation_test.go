package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestResetFlowFixation: an attacker starts a reset for the victim's user ID
// and plants the flow's handle in the victim's browser; the victim types the
// code it received there. The attacker's copy of the handle no longer
// continues the flow: the handle changed, in the victim's browser only,
// when the gate was passed.
func TestResetFlowFixation(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, oldPassword := slapdUser(t)
	mp := testenv.Mailpit(t)
	ctx := context.Background()
	if err := mp.Delete(ctx, mail); err != nil {
		t.Fatal(err)
	}

	attacker := browser(t)
	_, _, body := page(t, attacker, "GET", fd.URL+"/.frontdoor/reset", nil)
	_, _, body = page(t, attacker, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, attacker, "reset")}})
	_, _, body = page(t, attacker, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	if !strings.Contains(body, `name="code"`) {
		t.Fatalf("attacker's flow did not reach the code step:\n%s", body)
	}
	base, _ := url.Parse(fd.URL + "/.frontdoor/")
	var handle string
	for _, c := range attacker.Jar.Cookies(base) {
		if c.Name == flows.CookieName("reset") {
			handle = c.Value
		}
	}

	victim := browser(t)
	victim.Jar.SetCookies(base, []*http.Cookie{{Name: flows.CookieName("reset"), Value: handle, Path: "/.frontdoor/"}})
	_, _, body = page(t, victim, "GET", fd.URL+"/.frontdoor/reset/step", nil)
	msg, err := mp.WaitFor(ctx, mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) })
	if err != nil {
		t.Fatal(err)
	}
	_, _, body = page(t, victim, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{
		"csrf_token": {csrf(t, body)}, "code": {codeRE.FindStringSubmatch(msg.Text)[1]}})
	if !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("the victim's code did not pass the gate:\n%s", body)
	}

	_, u, body := page(t, attacker, "GET", fd.URL+"/.frontdoor/reset/step", nil)
	if strings.Contains(body, `name="confirm"`) || u.Path != "/.frontdoor/reset" {
		t.Fatalf("the attacker's handle reached %s after the victim passed the gate:\n%s", u.Path, body)
	}
	status, _, _ := page(t, attacker, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {"Attacker-Chosen-Pass-77"}, "confirm": {"Attacker-Chosen-Pass-77"}})
	if status == http.StatusOK && slapdBind(t, login, "Attacker-Chosen-Pass-77") == nil {
		t.Fatal("the attacker set the victim's password")
	}
	if err := slapdBind(t, login, oldPassword); err != nil {
		t.Errorf("the victim's password changed: %v", err)
	}
}
