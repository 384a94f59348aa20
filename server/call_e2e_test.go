package server

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/internal/twiliofake"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestResetByCallEndToEnd resets a password with mobile_call, the phone
// being SIPp: # reaches the new-password page; 1, a hang-up or silence
// are refused.
func TestResetByCallEndToEnd(t *testing.T) {
	cases := []struct {
		scenario string
		pass     bool
	}{
		{"answer_pound.xml", true},
		{"answer_one.xml", false},
		{"answer_hangup.xml", false},
		{"answer_silent.xml", false},
	}
	for _, c := range cases {
		t.Run(c.scenario, func(t *testing.T) {
			phone := testenv.SIPp(t, c.scenario, map[string]string{"rtp_port": strconv.Itoa(testenv.FreeUDPPort(t))})
			cfg := testConfig(t)
			cfg.Reset.Methods = []string{"mobile_call"}
			cfg.Call = &config.Call{Provider: "sip", SIP: &config.CallSIP{Trunk: "sip:" + phone.Addr,
				From: "sip:frontdoor@127.0.0.1", Bind: "127.0.0.1", Timeout: config.Duration(5 * time.Second)}}
			fd := startFrontdoor(t, cfg)
			login, _, _ := slapdUser(t)
			slapdSet(t, login, "mobile", "+14155550101")

			c1 := browser(t)
			_, _, body := page(t, c1, "GET", fd.URL+"/.frontdoor/reset", nil)
			_, _, body = page(t, c1, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
				"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c1, "reset")}})
			if !strings.Contains(body, `value="mobile_call"`) || !strings.Contains(body, "Call my mobile phone") {
				t.Fatalf("method page without the call:\n%s", body)
			}
			_, _, body = page(t, c1, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"mobile_call"}})
			if !strings.Contains(body, "type the full mobile phone number") {
				t.Fatalf("the number is not asked first:\n%s", body)
			}
			_, _, body = page(t, c1, "POST", fd.URL+"/.frontdoor/reset/ask", url.Values{"csrf_token": {csrf(t, body)}, "answer": {"+1 415 555 0101"}})
			if !strings.Contains(body, "I pressed #") || !strings.Contains(body, "Answer the call") {
				t.Fatalf("no call page:\n%s", body)
			}
			if err := phone.Wait(60 * time.Second); err != nil {
				t.Fatal(err)
			}
			// The outcome is stored just after the call ends.
			status := 0
			for deadline := time.Now().Add(15 * time.Second); ; {
				status, _, body = page(t, c1, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}})
				if !strings.Contains(body, "We have not heard back from the call yet") || time.Now().After(deadline) {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			switch {
			case c.pass && !strings.Contains(body, `name="confirm"`):
				t.Fatalf("# pressed, but no new-password page (%d):\n%s", status, body)
			case !c.pass && (strings.Contains(body, `name="confirm"`) || !strings.Contains(body, "The call was not confirmed")):
				t.Fatalf("%s: not refused (%d):\n%s", c.scenario, status, body)
			}
		})
	}
}

// slapdSet sets an attribute of a throwaway user (a phone number).
func slapdSet(t *testing.T, login, attr, value string) {
	t.Helper()
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	mod := ldap.NewModifyRequest("uid="+login+",ou=people,"+base, nil)
	mod.Replace(attr, []string{value})
	if err := slapdRoot(t).Modify(mod); err != nil {
		t.Fatal(err)
	}
}

// TestTwilioCallbackMounted: with Twilio as the call gateway, its callback
// is served under the prefix and refuses what Twilio did not sign.
func TestTwilioCallbackMounted(t *testing.T) {
	cfg := testConfig(t)
	cfg.Reset.Methods = []string{"email", "office_call"}
	cfg.Call = &config.Call{Provider: "twilio", Twilio: &config.CallTwilio{AccountSID: "AC" + strings.Repeat("0", 32),
		AuthToken: "token", From: "+14155550100", BaseURL: "http://127.0.0.1:1"}}
	fd := startFrontdoor(t, cfg)
	c := browser(t)
	form := url.Values{"AccountSid": {"AC" + strings.Repeat("0", 32)}, "Digits": {"#"}}
	status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/call/office_call?t=forged", form)
	if status != 403 {
		t.Errorf("unsigned callback: status %d, want 403", status)
	}
	if status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/call/mobile_call", form); status != 404 {
		t.Errorf("callback of a method not configured: status %d, want 404", status)
	}
}

// TestResetByTwilioCall resets a password by office_call through the
// Twilio contract fake, whose signed callbacks reach frontdoor's public
// URL: # reaches the new-password page, 1 is refused.
func TestResetByTwilioCall(t *testing.T) {
	for _, c := range []struct {
		key  string
		pass bool
	}{{"#", true}, {"1", false}} {
		t.Run(c.key, func(t *testing.T) {
			tw, fd, login := twilioOfficeCall(t, "+14155550102", c.key)

			b := browser(t)
			_, _, body := page(t, b, "GET", fd.URL+"/.frontdoor/reset", nil)
			_, _, body = page(t, b, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
				"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, b, "reset")}})
			_, _, body = page(t, b, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"office_call"}})
			if !strings.Contains(body, "type the full office phone number") {
				t.Fatalf("the number is not asked first:\n%s", body)
			}
			_, _, body = page(t, b, "POST", fd.URL+"/.frontdoor/reset/ask", url.Values{"csrf_token": {csrf(t, body)}, "answer": {"+1 415 555 0102"}})
			if !strings.Contains(body, "I pressed #") {
				t.Fatalf("no call page:\n%s", body)
			}
			for deadline := time.Now().Add(15 * time.Second); ; {
				_, _, body = page(t, b, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}})
				if !strings.Contains(body, "We have not heard back from the call yet") || time.Now().After(deadline) {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			if got := strings.Contains(body, `name="confirm"`); got != c.pass {
				t.Fatalf("key %s: new-password page %v, want %v\n%s", c.key, got, c.pass, body)
			}
			for _, cb := range tw.Callbacks() {
				if cb.Status != 200 {
					t.Errorf("frontdoor answered a genuine callback with %d", cb.Status)
				}
				// Sent again, it is refused.
				if code := twiliofake.Post(cb.URL, cb.Form, cb.Signature); code != 403 {
					t.Errorf("replayed callback: %d, want 403", code)
				}
			}
		})
	}
}

// TestCallWrongNumberTyped: a number typed that is not the account's places
// no call, and the page is the one of a call placed.
func TestCallWrongNumberTyped(t *testing.T) {
	tw, fd, login := twilioOfficeCall(t, "+14155550103", "#")

	b := browser(t)
	_, _, body := page(t, b, "GET", fd.URL+"/.frontdoor/reset", nil)
	_, _, body = page(t, b, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, b, "reset")}})
	_, _, body = page(t, b, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"office_call"}})
	status, _, body := page(t, b, "POST", fd.URL+"/.frontdoor/reset/ask", url.Values{"csrf_token": {csrf(t, body)}, "answer": {"+1 415 555 0199"}})
	wrongPage := body
	if status != 200 || !strings.Contains(body, "I pressed #") {
		t.Fatalf("wrong number: not the page of a call placed (%d):\n%s", status, body)
	}
	time.Sleep(6 * time.Second) // longer than the call would ring
	if last := tw.LastCall(); last != nil {
		t.Fatalf("a call was placed for a wrong number: %v", last.Get("To"))
	}
	_, _, body = page(t, b, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}})
	if strings.Contains(body, `name="confirm"`) {
		t.Fatal("a call never placed passed the gate")
	}

	// The right number, in another browser: the same page as the wrong one.
	b2 := browser(t)
	_, _, right := page(t, b2, "GET", fd.URL+"/.frontdoor/reset", nil)
	_, _, right = page(t, b2, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
		"csrf_token": {csrf(t, right)}, "login": {login}, "captcha": {fd.captchaAnswer(t, b2, "reset")}})
	_, _, right = page(t, b2, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, right)}, "method": {"office_call"}})
	rs, _, right := page(t, b2, "POST", fd.URL+"/.frontdoor/reset/ask", url.Values{"csrf_token": {csrf(t, right)}, "answer": {"+1 415 555 0103"}})
	if rs != status || csrfInput.ReplaceAllString(right, "") != csrfInput.ReplaceAllString(wrongPage, "") {
		t.Fatalf("the pages after the right and the wrong number differ (%d, %d):\n%s\n---\n%s", rs, status, right, wrongPage)
	}
	for deadline := time.Now().Add(10 * time.Second); tw.LastCall() == nil; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the right number placed no call")
		}
	}
}

// TestGenericMethodListSameWithCalls: with email, mobile_text,
// mobile_call and office_call, the method page is the same for an account
// with a mobile and an office number, one with a mobile only, one without
// any number, and a user ID that matches nobody.
func TestGenericMethodListSameWithCalls(t *testing.T) {
	cfg := textConfig(t, []string{"email", "mobile_text", "mobile_call", "office_call"}, 2)
	cfg.Call = &config.Call{Provider: "sip", SIP: &config.CallSIP{Trunk: "sip:127.0.0.1:9",
		From: "sip:frontdoor@127.0.0.1", Bind: "127.0.0.1", Timeout: config.Duration(5 * time.Second)}}
	fd := startFrontdoor(t, cfg)
	both, _, _, _ := phoneUser(t)
	slapdSet(t, both, "telephoneNumber", "+14155550102")
	mobileOnly, _, _, _ := phoneUser(t)
	without, _, _ := slapdUser(t)
	var first string
	for _, login := range []string{both, mobileOnly, without, "fd-nobody-" + both} {
		c := browser(t)
		body := csrfInput.ReplaceAllString(fd.identify(t, c, login), "")
		for _, m := range cfg.Reset.Methods {
			if !strings.Contains(body, `value="`+m+`"`) {
				t.Fatalf("%s: the method page lacks %s:\n%s", login, m, body)
			}
		}
		if first == "" {
			first = body
		} else if body != first {
			t.Fatalf("%s sees another method page:\n%s\n---\n%s", login, body, first)
		}
	}
}

// twilioOfficeCall starts frontdoor with office_call through the Twilio
// contract fake, and a throwaway user whose office phone is number and
// answers with what ("#", "1", ...).
func twilioOfficeCall(t *testing.T, number, what string) (*twiliofake.Server, *frontdoor, string) {
	t.Helper()
	tw := twiliofake.New(t)
	cfg := testConfig(t)
	cfg.Reset.Methods = []string{"office_call"}
	cfg.Call = &config.Call{Provider: "twilio", Twilio: &config.CallTwilio{AccountSID: tw.SID, AuthToken: tw.Token,
		From: "+14155550100", BaseURL: tw.URL, Timeout: config.Duration(5 * time.Second)}}
	fd := startFrontdoor(t, cfg)
	login, _, _ := slapdUser(t)
	slapdSet(t, login, "telephoneNumber", number)
	tw.Behave(number, what)
	return tw, fd, login
}
