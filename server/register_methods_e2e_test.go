package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

var (
	appKeyRE        = regexp.MustCompile(`<code dir="ltr" id="app-code-key">([A-Z2-7 ]+)</code>`)
	askedRE         = regexp.MustCompile(`<label for="f-answer(\d+)">([^<]+) <span`)
	questionAnswers = map[string]string{
		"In what city or town were you born?":                     "Saint-Malo",
		"What was the name of your first pet?":                    "Biscuit",
		"What was the first name of your best friend as a child?": "Morgane",
	}
)

// TestRegisterAppCodeAndQuestionsThenTwoGateResetEndToEnd: a user signs in
// through Keycloak (OIDC, the realm federated to slapd), registers three
// security questions and an authenticator app (the TOTP code computed from
// the key the page shows) on the Security info page, is told of each at
// their address (mailpit), then resets their password with two gates, the
// app's code and the questions; the new password binds in slapd.
func TestRegisterAppCodeAndQuestionsThenTwoGateResetEndToEnd(t *testing.T) {
	rp := rpTestenv(t)
	login, mail, oldPassword := slapdUser(t)
	key := make([]byte, 32)
	rand.Read(key)
	cfg := oidcConfig(t, rp)
	cfg.Reset.MethodsRequired = 2
	cfg.Reset.Methods = []string{"app_code", "security_questions"}
	cfg.Registration = &config.Registration{Methods: []string{"security_questions", "app_code"},
		Keys: []config.RegistrationKey{{ID: "e2e", Key: base64.StdEncoding.EncodeToString(key)}}}
	fd := startFrontdoor(t, cfg)
	ctx := context.Background()
	mp := testenv.Mailpit(t)
	if err := mp.Delete(ctx, mail); err != nil {
		t.Fatal(err)
	}

	c := tlsBrowser(t, rp.ca)
	body := signInAt(t, fd, c, "/.frontdoor/register", login, oldPassword)
	if !strings.Contains(body, "Security questions") || !strings.Contains(body, "Authenticator app code") {
		t.Fatalf("the Security info page has no sections for the methods:\n%s", body)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/register/security_questions/edit", url.Values{"csrf_token": {csrf(t, body)}})
	form := url.Values{"csrf_token": {csrf(t, body)}}
	for i, id := range []string{"q01", "q02", "q03"} {
		n := string(rune('1' + i))
		form.Set("question"+n, id)
	}
	form.Set("answer1", questionAnswers["In what city or town were you born?"])
	form.Set("answer2", questionAnswers["What was the name of your first pet?"])
	form.Set("answer3", questionAnswers["What was the first name of your best friend as a child?"])
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/register/security_questions", form)
	if !strings.Contains(body, "Your security questions are saved.") {
		t.Fatalf("after the answers:\n%s", body)
	}

	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/register/app_code/begin", url.Values{"csrf_token": {csrf(t, body)}})
	m := appKeyRE.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Fatalf("no QR code and key:\n%s", body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	first, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/register/app_code", url.Values{"csrf_token": {csrf(t, body)}, "code": {first}})
	if !strings.Contains(body, "Your authenticator app is set up.") {
		t.Fatalf("after the first code:\n%s", body)
	}

	for _, want := range []string{"Security questions were registered", "An authenticator app (codes) was registered"} {
		notice, err := mp.WaitFor(ctx, mail, 15*time.Second, func(m testenv.Mail) bool {
			return strings.Contains(m.Subject, "Your security info changed") && strings.Contains(m.Text, want)
		})
		if err != nil {
			t.Fatalf("no notice %q at the account's address: %v", want, err)
		}
		if strings.Contains(notice.Text, secret) || strings.Contains(notice.Text, "Biscuit") {
			t.Errorf("the notice carries a secret:\n%s", notice.Text)
		}
	}

	// The reset: two gates, the app's code (of the next step: the one that
	// confirmed the app is used up) and the questions.
	rb := browser(t)
	_, _, body = page(t, rb, "GET", fd.URL+"/.frontdoor/reset", nil)
	_, _, body = page(t, rb, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, rb, "reset")}})
	if !strings.Contains(body, `name="method" value="app_code"`) {
		t.Fatalf("after identify: no app_code method\n%s", body)
	}
	_, _, body = page(t, rb, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"app_code"}})
	code, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	_, _, body = page(t, rb, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {code}})
	if !strings.Contains(body, `name="method" value="security_questions"`) {
		t.Fatalf("after the app's code: no second gate with the questions\n%s", body)
	}
	_, _, body = page(t, rb, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"security_questions"}})
	answers := url.Values{"csrf_token": {csrf(t, body)}}
	asked := askedRE.FindAllStringSubmatch(body, -1)
	if len(asked) == 0 {
		t.Fatalf("no questions asked:\n%s", body)
	}
	for _, q := range asked {
		a, ok := questionAnswers[html.UnescapeString(q[2])]
		if !ok {
			t.Fatalf("asked %q, which was not registered", q[2])
		}
		answers.Set("answer"+q[1], a)
	}
	_, _, body = page(t, rb, "POST", fd.URL+"/.frontdoor/reset/verify", answers)
	if !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("after the answers: no new-password form\n%s", body)
	}
	const newPassword = "Lantern-Quarry-Meadow-63"
	_, _, body = page(t, rb, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {newPassword}, "confirm": {newPassword}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("no confirmation page:\n%s", body)
	}
	if err := slapdBind(t, login, newPassword); err != nil {
		t.Fatalf("bind with the new password: %v", err)
	}
}
