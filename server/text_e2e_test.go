package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/notify/text"
	"github.com/frontdoor-sspr/frontdoor/phone"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// textCodeRE finds the 6-digit code in a text message.
var textCodeRE = regexp.MustCompile(`\b(\d{6})\b`)

// csrfInput hides the per-request CSRF token so that two pages compare.
var csrfInput = regexp.MustCompile(`name="csrf_token" value="[^"]*"`)

// textConfig is testConfig with the mobile_text method through the testenv
// Kannel, US numbers.
func textConfig(t *testing.T, methods []string, required int) *config.Config {
	t.Helper()
	cfg := testConfig(t)
	withText(t, cfg)
	cfg.Reset.Methods, cfg.Reset.MethodsRequired = methods, required
	return cfg
}

// withText adds mobile_text through the testenv Kannel to cfg's methods.
func withText(t *testing.T, cfg *config.Config) {
	t.Helper()
	kn := testenv.RequireKannel(t)
	cfg.Reset.Methods = append(cfg.Reset.Methods, "mobile_text")
	cfg.Phone = &config.Phone{DefaultRegion: "US", AllowedCountries: []string{"US", "CA"}}
	cfg.Text = &config.Text{Provider: "kannel", Kannel: &config.TextKannel{URL: kn.SendSMSURL, Username: kn.Username, Password: kn.Password, From: "frontdoor"}}
}

// mobiles remembers the numbers phoneUser gave, by login, for textGate.
var mobiles sync.Map

// textGate passes a second gate with mobile_text when body (the page after
// the first gate) asks for one, for a user made by phoneUser; otherwise it
// returns body as it is. kind is the flow (reset, unlock).
func textGate(t *testing.T, fd *frontdoor, c *http.Client, kind, login, body string) string {
	t.Helper()
	v, ok := mobiles.Load(login)
	if !ok || !strings.Contains(body, `value="mobile_text"`) {
		return body
	}
	mobile := v.(string)
	kn := testenv.RequireKannel(t)
	before := len(kn.Texts(t, mobile))
	p := fd.URL + "/.frontdoor/" + kind
	_, _, body = page(t, c, "POST", p+"/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"mobile_text"}})
	_, _, body = page(t, c, "POST", p+"/ask", url.Values{"csrf_token": {csrf(t, body)}, "answer": {mobile}})
	m := textCodeRE.FindStringSubmatch(kn.WaitText(t, mobile, before).Body)
	if m == nil {
		t.Fatal("no code in the text")
	}
	_, _, body = page(t, c, "POST", p+"/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {m[1]}})
	return body
}

// phoneUser is a throwaway slapd user with a mobile number of its own (a
// US 555-01xx number, reserved for fiction); it returns the login, mail,
// password and the number in E.164.
func phoneUser(t *testing.T) (login, mail, password, mobile string) {
	t.Helper()
	login, mail, password = slapdUser(t)
	n, _ := rand.Int(rand.Reader, big.NewInt(100))
	mobile = fmt.Sprintf("+1415555%04d", 100+n.Int64())
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	mod := ldap.NewModifyRequest("uid="+login+",ou=people,"+base, nil)
	// Written as people write it in the directory: national, with punctuation.
	mod.Add("mobile", []string{fmt.Sprintf("(415) 555-%s", mobile[len(mobile)-4:])})
	if err := slapdRoot(t).Modify(mod); err != nil {
		t.Fatal(err)
	}
	mobiles.Store(login, mobile)
	return login, mail, password, mobile
}

// emailGate passes the email gate from the method page.
func (fd *frontdoor) emailGate(t *testing.T, c *http.Client, body, mail string) string {
	t.Helper()
	mp := testenv.Mailpit(t)
	if err := mp.Delete(context.Background(), mail); err != nil {
		t.Fatal(err)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	msg, err := mp.WaitFor(context.Background(), mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) })
	if err != nil {
		t.Fatal(err)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {codeRE.FindStringSubmatch(msg.Text)[1]}})
	return body
}

// askNumber chooses mobile_text on the method page and types number.
func (fd *frontdoor) askNumber(t *testing.T, c *http.Client, body, number string) (int, string) {
	t.Helper()
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"mobile_text"}})
	if !strings.Contains(body, "type the full mobile phone number") || !strings.Contains(body, `name="answer"`) {
		t.Fatalf("no question for the number:\n%s", body)
	}
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/reset/ask", url.Values{"csrf_token": {csrf(t, body)}, "answer": {number}})
	return status, body
}

// TestSwitchingMethodsProvesNothing (O-3): email, then back and a text,
// then back and email again, in one gate. A method cannot be switched at the
// code page without going back; each code passes only for the method it was
// sent for, and only while that method is the one chosen; the new password
// form comes only after the code of the method chosen last.
func TestSwitchingMethodsProvesNothing(t *testing.T) {
	kn := testenv.RequireKannel(t)
	fd := startFrontdoor(t, textConfig(t, []string{"email", "mobile_text"}, 1))
	login, mail, _, mobile := phoneUser(t)
	c := browser(t)
	mp := testenv.Mailpit(t)
	ctx := context.Background()
	if err := mp.Delete(ctx, mail); err != nil {
		t.Fatal(err)
	}
	verify := func(body, code string) (int, string) {
		t.Helper()
		status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {code}})
		return status, body
	}
	back := func(body string) string {
		t.Helper()
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/back", url.Values{"csrf_token": {csrf(t, body)}})
		if !strings.Contains(body, `name="method"`) {
			t.Fatalf("back: no choice of method\n%s", body)
		}
		return body
	}
	emailCode := func(n int) string { // the n-th code mailed to the account
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			msgs, err := mp.Messages(ctx, mail)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) >= n {
				text, err := mp.Text(ctx, msgs[0].ID) // newest first
				if err != nil {
					t.Fatal(err)
				}
				return codeRE.FindStringSubmatch(text)[1]
			}
		}
		t.Fatalf("no code %d mailed", n)
		return ""
	}

	body := fd.identify(t, c, login)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	first := emailCode(1)
	// Switching at the code page, without going back, is refused.
	if status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"mobile_text"}}); status != http.StatusConflict {
		t.Errorf("method chosen again at the code page: status %d, want 409", status)
	}
	// Back, then a text: the mailed code does not pass for it.
	body = back(body)
	before := len(kn.Texts(t, mobile))
	_, body = fd.askNumber(t, c, body, "+1 415 555 "+mobile[len(mobile)-4:])
	sms := kn.WaitText(t, mobile, before)
	texted := textCodeRE.FindStringSubmatch(sms.Body)[1]
	if status, b := verify(body, first); status != http.StatusUnprocessableEntity || strings.Contains(b, `name="confirm"`) {
		t.Fatalf("the mailed code at the text's code page: status %d\n%s", status, b)
	}
	// Back to email: a new code is mailed; neither the first code nor the
	// texted one passes for it, the new one does.
	body = back(body)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	second := emailCode(2)
	for name, code := range map[string]string{"the first mailed code": first, "the texted code": texted} {
		if code == second {
			continue // the same digits by chance
		}
		if status, b := verify(body, code); status != http.StatusUnprocessableEntity || strings.Contains(b, `name="confirm"`) {
			t.Fatalf("%s at the second email's code page: status %d\n%s", name, status, b)
		}
	}
	if _, b := verify(body, second); !strings.Contains(b, `name="confirm"`) {
		t.Fatalf("the code of the method chosen last did not open the new-password form:\n%s", b)
	}
}

// TestTwoGateResetEmailThenText: email first, then a text through Kannel
// read where the SMS centre (fakesmsc) received it, then the new password.
func TestTwoGateResetEmailThenText(t *testing.T) {
	kn := testenv.RequireKannel(t)
	fd := startFrontdoor(t, textConfig(t, []string{"email", "mobile_text"}, 2))
	login, mail, _, mobile := phoneUser(t)
	c := browser(t)

	body := fd.identify(t, c, login)
	if !strings.Contains(body, "Verification step 1 of 2") || !strings.Contains(body, "Text my mobile phone") {
		t.Fatalf("first method page:\n%s", body)
	}
	body = fd.emailGate(t, c, body, mail)
	if !strings.Contains(body, "Verification step 2 of 2") || strings.Contains(body, `value="email"`) {
		t.Fatalf("second method page offers the first method again, or no step count:\n%s", body)
	}
	// The first gate's method cannot be the second's, even posted by hand.
	if status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("email as the second gate: %d", status)
	}

	before := len(kn.Texts(t, mobile))
	_, body = fd.askNumber(t, c, body, "+1 415 555 "+mobile[len(mobile)-4:])
	if !strings.Contains(body, `name="code"`) {
		t.Fatalf("no code field after the number:\n%s", body)
	}
	sms := kn.WaitText(t, mobile, before)
	m := textCodeRE.FindStringSubmatch(sms.Body)
	if m == nil || !strings.Contains(sms.Body, "frontdoor verification code") || sms.From != "frontdoor" {
		t.Fatalf("text received by the SMSC: %+v", sms)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {m[1]}})
	if !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("after the texted code: no new-password form\n%s", body)
	}
	const newPassword = "Harbour-Violet-Quill-58"
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {newPassword}, "confirm": {newPassword}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("no confirmation page:\n%s", body)
	}
	if err := slapdBind(t, login, newPassword); err != nil {
		t.Fatalf("bind with the new password: %v", err)
	}
	// The audit log has the send, with the number masked.
	evs, _ := fd.srv.store.Audit().List(context.Background(), store.Filter{Type: audit.MethodSent})
	found := false
	for _, ev := range evs {
		if strings.Contains(fmt.Sprint(ev.Detail), mobile[2:]) {
			t.Fatalf("the audit log holds the number: %+v", ev)
		}
		found = found || ev.Detail["method"] == "mobile_text" && ev.Outcome == "ok" && strings.HasSuffix(ev.Detail["to"], mobile[len(mobile)-2:])
	}
	if !found {
		t.Fatalf("no audited send: %+v", evs)
	}
}

// TestWrongNumberSendsNothing: a wrong number typed sends nothing and
// shows the same page as the right one.
func TestWrongNumberSendsNothing(t *testing.T) {
	kn := testenv.RequireKannel(t)
	fd := startFrontdoor(t, textConfig(t, []string{"mobile_text"}, 1))
	login, _, _, mobile := phoneUser(t)
	before := len(kn.Texts(t, mobile))

	wrong := mobile[:len(mobile)-4] + "0199"
	if wrong == mobile {
		wrong = mobile[:len(mobile)-4] + "0198"
	}
	c1 := browser(t)
	ws, wrongPage := fd.askNumber(t, c1, fd.identify(t, c1, login), wrong)
	c2 := browser(t)
	rs, rightPage := fd.askNumber(t, c2, fd.identify(t, c2, login), mobile)
	if ws != rs || csrfInput.ReplaceAllString(wrongPage, "") != csrfInput.ReplaceAllString(rightPage, "") {
		t.Fatalf("the pages differ (%d, %d):\n%s\n---\n%s", ws, rs, wrongPage, rightPage)
	}
	kn.WaitText(t, mobile, before)
	if n := len(kn.Texts(t, mobile)); n != before+1 {
		t.Fatalf("%d texts reached the number, want 1 (the right number's)", n-before)
	}
	evs, _ := fd.srv.store.Audit().List(context.Background(), store.Filter{Type: audit.MethodSent})
	outcomes := map[string]string{}
	for _, ev := range evs {
		outcomes[ev.Outcome] = ev.Detail["reason"]
	}
	if len(evs) != 2 || outcomes["not_sent"] != "mismatch" || len(outcomes) != 2 {
		t.Fatalf("audit %+v", evs)
	}
}

// TestBudgetTrips: past the per-number budget nothing more goes out; the
// refusal is counted as a metric and the admins get one mail.
func TestBudgetTrips(t *testing.T) {
	kn := testenv.RequireKannel(t)
	cfg := textConfig(t, []string{"mobile_text"}, 1)
	cfg.Budgets = config.Budgets{PerNumberPerDay: 2}
	_, adminMail, _ := slapdUser(t)
	cfg.Helpdesk = &config.Helpdesk{Email: adminMail}
	fd := startFrontdoor(t, cfg)
	login, _, _, mobile := phoneUser(t)
	before := len(kn.Texts(t, mobile))

	c := browser(t)
	_, body := fd.askNumber(t, c, fd.identify(t, c, login), mobile)
	for i := range 2 {
		kn.WaitText(t, mobile, before+i)
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/resend", url.Values{"csrf_token": {csrf(t, body)}})
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/ask", url.Values{"csrf_token": {csrf(t, body)}, "answer": {mobile}})
		if !strings.Contains(body, `name="code"`) {
			t.Fatalf("send %d: no code page\n%s", i+2, body)
		}
	}
	// A marker sent straight through Kannel after the refused third text:
	// once it arrives, the third would have too.
	marker := &text.Kannel{URL: kn.SendSMSURL, Username: kn.Username, Password: kn.Password, HTTP: http.DefaultClient}
	if err := marker.Send(context.Background(), phone.Number{E164: mobile}, "marker"); err != nil {
		t.Fatal(err)
	}
	last := kn.WaitText(t, mobile, before+2)
	if last.Body != "marker" {
		t.Fatalf("a third text went out past the budget: %+v", last)
	}
	if n := len(kn.Texts(t, mobile)); n != before+3 {
		t.Fatalf("%d texts, want 2 and the marker", n-before)
	}
	metrics := get(t, "http://"+cfg.Server.MetricsListen+"/metrics")
	if !strings.Contains(metrics, `frontdoor_toll_budget_tripped_total{kind="text",limit="number"} 1`) {
		t.Fatalf("no budget metric:\n%s", metrics)
	}
	if _, err := testenv.Mailpit(t).WaitFor(context.Background(), adminMail, 15*time.Second, func(m testenv.Mail) bool {
		return strings.Contains(m.Subject, "budget")
	}); err != nil {
		t.Fatalf("no admin alert: %v", err)
	}
}

// TestPrivilegedNeedsTwoGates: a privileged account allowed to self-serve
// passes two gates although the policy asks for one.
func TestPrivilegedNeedsTwoGates(t *testing.T) {
	kn := testenv.RequireKannel(t)
	cfg := textConfig(t, []string{"email", "mobile_text"}, 1)
	allow := false
	cfg.Reset.ManagedElsewhere.Privileged = &allow
	login, mail, _, mobile := phoneUser(t)
	ldapConfig(cfg).AdminGroups = []string{slapdGroup(t, "fd-admins-", login)}
	fd := startFrontdoor(t, cfg)
	c := browser(t)

	body := fd.emailGate(t, c, fd.identify(t, c, login), mail)
	if strings.Contains(body, `name="confirm"`) || !strings.Contains(body, "Verification step 2 of 2") {
		t.Fatalf("a privileged account got past one gate:\n%s", body)
	}
	before := len(kn.Texts(t, mobile))
	_, body = fd.askNumber(t, c, body, mobile)
	m := textCodeRE.FindStringSubmatch(kn.WaitText(t, mobile, before).Body)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {m[1]}})
	if !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("after two gates: no new-password form\n%s", body)
	}
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestGenericMethodListSameForEveryone: with email and mobile_text, the
// method page is the same for an account with a mobile number, one without,
// and a user ID that matches nobody.
func TestGenericMethodListSameForEveryone(t *testing.T) {
	fd := startFrontdoor(t, textConfig(t, []string{"email", "mobile_text"}, 2))
	withPhone, _, _, _ := phoneUser(t)
	without, _, _ := slapdUser(t)
	var first string
	for _, login := range []string{withPhone, without, "fd-nobody-" + withPhone} {
		c := browser(t)
		body := csrfInput.ReplaceAllString(fd.identify(t, c, login), "")
		if !strings.Contains(body, `value="mobile_text"`) || !strings.Contains(body, `value="email"`) {
			t.Fatalf("%s: the method page lacks a method:\n%s", login, body)
		}
		if first == "" {
			first = body
		} else if body != first {
			t.Fatalf("%s sees another method page:\n%s\n---\n%s", login, body, first)
		}
	}
}

// TestGateNotReplayedIntoAnotherFlow: a gate passed in one browser's flow
// does not count in another flow of the same account, and its code does
// not pass there.
func TestGateNotReplayedIntoAnotherFlow(t *testing.T) {
	fd := startFrontdoor(t, textConfig(t, []string{"email", "mobile_text"}, 2))
	login, mail, _, _ := phoneUser(t)

	a := browser(t)
	body := fd.emailGate(t, a, fd.identify(t, a, login), mail)
	if !strings.Contains(body, "Verification step 2 of 2") {
		t.Fatalf("flow A did not pass its first gate:\n%s", body)
	}
	mp := testenv.Mailpit(t)
	msg, err := mp.WaitFor(context.Background(), mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) })
	if err != nil {
		t.Fatal(err)
	}
	codeA := codeRE.FindStringSubmatch(msg.Text)[1]

	b := browser(t)
	body = fd.identify(t, b, login)
	if !strings.Contains(body, "Verification step 1 of 2") {
		t.Fatalf("flow B starts past its first gate:\n%s", body)
	}
	_, _, body = page(t, b, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	if _, err := mp.WaitFor(context.Background(), mail, 15*time.Second, func(m testenv.Mail) bool {
		c := codeRE.FindStringSubmatch(m.Text)
		return c != nil && c[1] != codeA
	}); err != nil {
		t.Fatal(err)
	}
	status, _, body := page(t, b, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {codeA}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `name="code"`) || strings.Contains(body, "Verification step 2 of 2") {
		t.Fatalf("flow A's code in flow B: %d\n%s", status, body)
	}
}
