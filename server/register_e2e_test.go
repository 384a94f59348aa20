package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestRegisterThenResetEndToEnd registers an alternate email on the
// "Security info" page (the code read from mailpit), then resets the
// password with a code sent to that address, against the testenv slapd and
// mailpit. The user signs in through Keycloak (OIDC, the realm federated to
// slapd) to reach the page.
func TestRegisterThenResetEndToEnd(t *testing.T) {
	rp := rpTestenv(t)
	login, mail, oldPassword := slapdUser(t)
	alt := login + "-alt@example.test"
	key := make([]byte, 32)
	rand.Read(key)
	cfg := oidcConfig(t, rp)
	cfg.Registration = &config.Registration{
		UseForReset: []string{config.SourceRegistered},
		Keys:        []config.RegistrationKey{{ID: "e2e", Key: base64.StdEncoding.EncodeToString(key)}},
	}
	fd := startFrontdoor(t, cfg)
	ctx := context.Background()
	u, err := fd.srv.directory.Lookup(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	mp := testenv.Mailpit(t)
	for _, to := range []string{mail, alt} {
		if err := mp.Delete(ctx, to); err != nil {
			t.Fatal(err)
		}
	}

	c := tlsBrowser(t, rp.ca)
	body := signInAt(t, fd, c, "/.frontdoor/register", login, oldPassword)
	if !strings.Contains(body, "Security info") || strings.Contains(body, mail) {
		t.Fatalf("the Security info page, with the directory address masked:\n%s", body)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/register/email", url.Values{"csrf_token": {csrf(t, body)}, "email": {alt}})
	if !strings.Contains(body, `name="code"`) {
		t.Fatalf("after adding the address: no code field\n%s", body)
	}
	msg, err := mp.WaitFor(ctx, alt, 15*time.Second, func(m testenv.Mail) bool {
		return strings.Contains(m.Subject, "Verify your alternate email") && codeRE.MatchString(m.Text)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/register/verify", url.Values{
		"csrf_token": {csrf(t, body)}, "code": {codeRE.FindStringSubmatch(msg.Text)[1]}})
	if !strings.Contains(body, "Your alternate email is saved.") {
		t.Fatalf("after the code:\n%s", body)
	}

	// The directory address is told, without the new address in full.
	notice, err := mp.WaitFor(ctx, mail, 15*time.Second, func(m testenv.Mail) bool {
		return strings.Contains(m.Subject, "Your security info changed")
	})
	if err != nil {
		t.Fatalf("no change notice to the old address: %v", err)
	}
	if strings.Contains(notice.Text, alt) || strings.Contains(notice.HTML, alt) || !strings.Contains(notice.Text, methods.MaskEmail(alt)) {
		t.Errorf("the notice must show the new address masked only:\n%s", notice.Text)
	}
	reg, err := fd.srv.store.Registrations().Get(ctx, u.ID)
	if err != nil || bytes.Contains(reg.Data, []byte(alt)) {
		t.Fatalf("the stored registration (%v) shows the address in clear, or is missing", err)
	}

	// The reset sends its code to the registered address.
	c, body = resetWalk(t, fd, login, alt)
	const newPassword = "Harbour-Violet-Compass-48"
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {newPassword}, "confirm": {newPassword}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("no confirmation page:\n%s", body)
	}
	slapdPasswordIs(t, login, newPassword, oldPassword)
	// The confirmation reaches the registered address as well.
	if _, err := mp.WaitFor(ctx, alt, 15*time.Second, func(m testenv.Mail) bool { return strings.Contains(m.Text, "was reset") }); err != nil {
		t.Errorf("no reset confirmation at the registered address: %v", err)
	}
}

// TestRegistrationRequiredEndToEnd: with registration.required, a user who
// never confirmed their security info is refused by the reset with the
// reference's words, and gets through once they have confirmed it on the
// Security info page (their directory mail counts, as use_for_reset says).
func TestRegistrationRequiredEndToEnd(t *testing.T) {
	rp := rpTestenv(t)
	login, _, password := slapdUser(t)
	key := make([]byte, 32)
	rand.Read(key)
	cfg := oidcConfig(t, rp)
	cfg.Reset.Disclosure = "descriptive"
	cfg.Registration = &config.Registration{Required: true, ReconfirmDays: 180,
		Keys: []config.RegistrationKey{{ID: "e2e", Key: base64.RawURLEncoding.EncodeToString(key)}}}
	fd := startFrontdoor(t, cfg)
	ctx := context.Background()
	u, err := fd.srv.directory.Lookup(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	identify := func() string {
		c := browser(t)
		_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
			"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, "reset")}})
		return strings.ReplaceAll(body, "&#39;", "'")
	}
	if must, err := fd.srv.MustRegister(ctx, u); !must || err != nil {
		t.Errorf("MustRegister() before registering = %v, %v; want true", must, err)
	}
	if body := identify(); !strings.Contains(body, "you have not registered your security info") {
		t.Fatalf("an unregistered user was not refused:\n%s", body)
	}

	c := tlsBrowser(t, rp.ca)
	body := signInAt(t, fd, c, "/.frontdoor/register", login, password)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/register/confirm", url.Values{"csrf_token": {csrf(t, body)}})
	if !strings.Contains(body, "your security info is confirmed") {
		t.Fatalf("after Looks good:\n%s", body)
	}
	if must, err := fd.srv.MustRegister(ctx, u); must || err != nil {
		t.Errorf("MustRegister() after confirming = %v, %v; want false", must, err)
	}
	if fd.srv.mustRegisterHook()(ctx, u) {
		t.Error("the sign-in's hook says the user must register after they confirmed")
	}
	if body := identify(); !strings.Contains(body, `name="method" value="email"`) {
		t.Fatalf("a registered user did not reach the methods:\n%s", body)
	}
}

// signInAt opens path, a signed-in page, and signs in at Keycloak; it
// returns the page the browser lands on, which must be path.
func signInAt(t *testing.T, fd *frontdoor, c *http.Client, path, login, password string) string {
	t.Helper()
	status, at, body := page(t, c, "GET", fd.URL+path, nil)
	if status != http.StatusOK || !strings.Contains(body, "kc-form-login") {
		t.Fatalf("GET %s: %d at %s, want Keycloak's sign-in page", path, status, at)
	}
	status, at, body = kcLogin(t, c, body, login, password)
	if status != http.StatusOK || at.Path != path {
		t.Fatalf("after signing in: %d at %s:\n%.1500s", status, at, body)
	}
	return body
}
