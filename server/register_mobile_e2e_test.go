package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/register"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// registrationSection is a registration section offering methods, with a
// fresh key, the reset reading registered data first.
func registrationSection(methods ...string) *config.Registration {
	key := make([]byte, 32)
	rand.Read(key)
	return &config.Registration{Methods: methods,
		UseForReset: []string{config.SourceRegistered, config.SourceDirectory},
		Keys:        []config.RegistrationKey{{ID: "e2e", Key: base64.StdEncoding.EncodeToString(key)}}}
}

// registerEmail adds alt on the Security info page (body), reading its code
// in mailpit, and returns the page after the code.
func registerEmail(t *testing.T, fd *frontdoor, c *http.Client, body, alt string) string {
	t.Helper()
	mp := testenv.Mailpit(t)
	if err := mp.Delete(context.Background(), alt); err != nil {
		t.Fatal(err)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/register/email", url.Values{"csrf_token": {csrf(t, body)}, "email": {alt}})
	if !strings.Contains(body, `name="code"`) {
		t.Fatalf("after adding the address: no code field\n%s", body)
	}
	msg, err := mp.WaitFor(context.Background(), alt, 15*time.Second, func(m testenv.Mail) bool {
		return strings.Contains(m.Subject, "Verify your alternate email") && codeRE.MatchString(m.Text)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/register/verify", url.Values{
		"csrf_token": {csrf(t, body)}, "code": {codeRE.FindStringSubmatch(msg.Text)[1]}})
	if !strings.Contains(body, "Your alternate email is saved.") || !strings.Contains(body, alt[:2]+"***") {
		t.Fatalf("after the code, the address is not shown saved (masked):\n%s", body)
	}
	return body
}

// areaCodes are US area codes in service (phoneUser takes 415).
var areaCodes = []string{"212", "206", "303", "312", "512", "617", "702", "808"}

// freshMobile is a US 555-01xx number (reserved for fiction) that no test
// texted yet, so that its texts in fakesmsc's log are this test's.
func freshMobile(t *testing.T) string {
	kn := testenv.RequireKannel(t)
	for range 50 {
		n, _ := rand.Int(rand.Reader, big.NewInt(100))
		a, _ := rand.Int(rand.Reader, big.NewInt(int64(len(areaCodes))))
		number := fmt.Sprintf("+1%s5550%03d", areaCodes[a.Int64()], 100+n.Int64())
		if len(kn.Texts(t, number)) == 0 {
			return number
		}
	}
	t.Fatal("no untexted number found")
	return ""
}

// TestRegisterMobileThenResetEndToEnd: signed in through Keycloak (OIDC, the
// realm federated to slapd), a user with no mobile in the directory
// registers an alternate email (code from mailpit) and a mobile phone (code
// in a text through Kannel, read where fakesmsc received it); then a reset
// that needs two gates uses both registered values, and the new password
// binds in slapd.
func TestRegisterMobileThenResetEndToEnd(t *testing.T) {
	rp := rpTestenv(t)
	kn := testenv.RequireKannel(t)
	login, mail, oldPassword := slapdUser(t)
	alt := login + "-alt@example.test"
	mobile := freshMobile(t)
	cfg := oidcConfig(t, rp)
	withText(t, cfg)
	cfg.Reset.Methods, cfg.Reset.MethodsRequired = []string{"email", "mobile_text"}, 2
	cfg.Registration = registrationSection("email", "mobile_text")
	fd := startFrontdoor(t, cfg)
	ctx := context.Background()
	u, err := fd.srv.directory.Lookup(ctx, login)
	if err != nil || u.Mobile != "" {
		t.Fatalf("the throwaway user: %v, mobile %q", err, u.Mobile)
	}

	c := tlsBrowser(t, rp.ca)
	body := signInAt(t, fd, c, "/.frontdoor/register", login, oldPassword)
	if !strings.Contains(body, `action="/.frontdoor/register/mobile"`) {
		t.Fatalf("the page offers no mobile phone:\n%s", body)
	}
	body = registerEmail(t, fd, c, body, alt)

	// The mobile phone, typed as people type it; the code comes by text.
	before := len(kn.Texts(t, mobile))
	typed := fmt.Sprintf("(%s) %s-%s", mobile[2:5], mobile[5:8], mobile[8:])
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/register/mobile", url.Values{"csrf_token": {csrf(t, body)}, "mobile": {typed}})
	if !strings.Contains(body, `name="code"`) || !strings.Contains(htmlUnescape(body), register.MaskPhone(mobile)) {
		t.Fatalf("after adding the mobile: no code field for the masked number\n%s", body)
	}
	sms := kn.WaitText(t, mobile, before)
	m := textCodeRE.FindStringSubmatch(sms.Body)
	if m == nil || sms.From != "frontdoor" || !strings.Contains(sms.Body, "is your verification code for frontdoor") {
		t.Fatalf("the text fakesmsc received: %+v", sms)
	}
	// A wrong code is refused and saves nothing.
	n, _ := strconv.Atoi(m[1])
	wrong := fmt.Sprintf("%06d", (n+1)%1000000)
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/register/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {wrong}})
	if status != http.StatusUnprocessableEntity || strings.Contains(body, "Your mobile phone is saved.") {
		t.Fatalf("a wrong texted code: %d\n%s", status, body)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/register/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {m[1]}})
	if !strings.Contains(body, "Your mobile phone is saved.") || strings.Contains(body, mobile[2:]) {
		t.Fatalf("after the texted code (the number must show masked only):\n%s", body)
	}
	reg, err := fd.srv.store.Registrations().Get(ctx, u.ID)
	if err != nil || bytes.Contains(reg.Data, []byte(mobile[2:])) || bytes.Contains(reg.Data, []byte(alt)) {
		t.Fatalf("the stored registration (%v) shows a value in clear, or is missing", err)
	}
	// The directory address hears of the new number, masked.
	mp := testenv.Mailpit(t)
	notice, err := mp.WaitFor(ctx, mail, 15*time.Second, func(m testenv.Mail) bool {
		return strings.Contains(m.Subject, "Your security info changed") && strings.Contains(m.Text, register.MaskPhone(mobile))
	})
	if err != nil {
		t.Fatalf("no notice of the new mobile: %v", err)
	}
	if strings.Contains(notice.Text, mobile[2:]) {
		t.Errorf("the notice shows the number:\n%s", notice.Text)
	}

	// The reset: two gates, the code mailed to the registered address, then
	// the code texted to the registered mobile.
	if err := mp.Delete(ctx, mail); err != nil {
		t.Fatal(err)
	}
	rc := browser(t)
	body = fd.identify(t, rc, login)
	if !strings.Contains(body, "Verification step 1 of 2") || !strings.Contains(body, `value="mobile_text"`) {
		t.Fatalf("the method page does not offer the registered mobile in two steps:\n%s", body)
	}
	body = fd.emailGate(t, rc, body, alt)
	if !strings.Contains(body, "Verification step 2 of 2") {
		t.Fatalf("after the emailed code:\n%s", body)
	}
	before = len(kn.Texts(t, mobile))
	_, body = fd.askNumber(t, rc, body, typed)
	if !strings.Contains(body, `name="code"`) {
		t.Fatalf("no code field after the registered number:\n%s", body)
	}
	m = textCodeRE.FindStringSubmatch(kn.WaitText(t, mobile, before).Body)
	if m == nil {
		t.Fatal("no code in the reset's text")
	}
	_, _, body = page(t, rc, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {m[1]}})
	if !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("after the texted code: no new-password form\n%s", body)
	}
	newPassword := "Harbour-" + rand.Text()[:6] + "-Quill-61"
	_, _, body = page(t, rc, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {newPassword}, "confirm": {newPassword}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("no confirmation page:\n%s", body)
	}
	slapdPasswordIs(t, login, newPassword, oldPassword)
	// The directory's address got no reset code: the registered one did.
	msgs, err := mp.Messages(ctx, mail)
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range msgs {
		if msg.Subject == "Your verification code" {
			t.Error("a reset code went to the directory's address, not the registered one")
		}
	}
}
