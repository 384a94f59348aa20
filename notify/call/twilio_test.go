package call

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/internal/twiliofake"
)

// newTwilioTo builds the Twilio driver against the contract fake, with its
// callback handler on a server of its own.
func newTwilioTo(t *testing.T, f *twiliofake.Server) *Twilio {
	t.Helper()
	res := &MemoryResults{}
	tw := &Twilio{AccountSID: f.SID, AuthToken: f.Token, From: "+15005550006", BaseURL: f.URL,
		Timeout: 5 * time.Second, Secret: []byte("0123456789abcdef0123456789abcdef"), Results: res, Once: res,
		Prompt: func(lang string) string { return "press the pound key (" + lang + ")" }, Poll: 10 * time.Millisecond}
	cb := httptest.NewServer(tw.Handler())
	t.Cleanup(cb.Close)
	tw.CallbackURL = cb.URL + "/.frontdoor/call/mobile_call"
	return tw
}

func TestTwilioOutcomes(t *testing.T) {
	cases := []struct {
		behave string
		want   Outcome
	}{
		{"#", Confirmed},
		{"1", WrongKey},
		{"*", WrongKey},
		{"silent", Silent},
		{"hangup", HungUp},
		{"busy", Rejected},
		{"no-answer", NoAnswer},
	}
	for _, c := range cases {
		t.Run(c.behave, func(t *testing.T) {
			f := twiliofake.New(t)
			tw := newTwilioTo(t, f)
			f.Behave("+14155550101", c.behave)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			got, err := tw.Call(ctx, "+14155550101", "fr-CA")
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("outcome %q, want %q", got, c.want)
			}
			for _, cb := range f.Callbacks() {
				if cb.Status != http.StatusOK {
					t.Errorf("callback %s answered %d", cb.Form.Get("CallStatus"), cb.Status)
				}
			}
			twiml := f.LastCall().Get("Twiml")
			if !strings.Contains(twiml, `language="fr-FR"`) || !strings.Contains(twiml, "(fr)") {
				t.Errorf("the prompt is not in French: %s", twiml)
			}
		})
	}
}

// TestTwilioCallbackRefusals: a callback with a changed parameter, a
// changed token, a wrong signature or sent a second time changes nothing.
func TestTwilioCallbackRefusals(t *testing.T) {
	f := twiliofake.New(t)
	tw := newTwilioTo(t, f)
	f.Behave("+14155550101", "1")
	if got, err := tw.Call(context.Background(), "+14155550101", "en"); err != nil || got != WrongKey {
		t.Fatalf("Call: %q, %v", got, err)
	}
	sent := f.Callbacks()
	if len(sent) != 2 {
		t.Fatalf("%d callbacks, want the action and the status", len(sent))
	}
	action := sent[0]
	tampered := twiliofake.With(action.Form, "Digits", "#")
	u, _ := url.Parse(action.URL)
	q := u.Query()
	tok := q.Get("t")
	otherTok := strings.Replace(tok, ".gather.", ".status.", 1)
	q.Set("t", otherTok)
	u.RawQuery = q.Encode()

	cases := []struct {
		name string
		url  string
		form url.Values
		sig  string
	}{
		{"replayed", action.URL, action.Form, action.Signature},
		{"digits changed", action.URL, tampered, action.Signature},
		{"digits changed and signed with another key", action.URL, tampered, TwilioSignature("not-the-token", action.URL, tampered)},
		{"token changed, signed", u.String(), tampered, TwilioSignature(f.Token, u.String(), tampered)},
		{"no signature", action.URL, tampered, ""},
		{"other account", action.URL, twiliofake.With(tampered, "AccountSid", "AC"+strings.Repeat("1", 32)), TwilioSignature(f.Token, action.URL, twiliofake.With(tampered, "AccountSid", "AC"+strings.Repeat("1", 32)))},
	}
	for _, c := range cases {
		if code := twiliofake.Post(c.url, c.form, c.sig); code != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", c.name, code)
		}
	}
	ref, _, _ := tw.token(tok)
	if o, _, _ := tw.Results.Get(context.Background(), ref); o != WrongKey {
		t.Errorf("after the refused callbacks the outcome is %q, want wrong_key", o)
	}
}

// TestTwilioSignatureAgreesWithTheFake: our signer and the fake's, written
// apart, agree, with repeated parameters too.
func TestTwilioSignatureAgreesWithTheFake(t *testing.T) {
	form := url.Values{"Digits": {"#"}, "A": {"2", "1", "2"}, "CallStatus": {"completed"}}
	u := "https://sso.example.com/.frontdoor/call/mobile_call?t=x.gather.1.sig"
	if a, b := TwilioSignature("tok", u, form), twiliofake.Sign("tok", u, form); a != b {
		t.Errorf("signatures differ: %s, fake %s", a, b)
	}
}

// TestTwilioSignatureExample checks the signature against the example of
// Twilio's security documentation.
func TestTwilioSignatureExample(t *testing.T) {
	form := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"},
		"From": {"+12349013030"}, "To": {"+18005551212"}}
	got := TwilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form)
	if got != "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" {
		t.Errorf("signature %s", got)
	}
}

func TestTwilioRefusedCall(t *testing.T) {
	f := twiliofake.New(t)
	tw := newTwilioTo(t, f)
	tw.AuthToken = "wrong"
	if _, err := tw.Call(context.Background(), "+14155550101", "en"); err == nil || !strings.Contains(err.Error(), "20003") {
		t.Errorf("Call with a wrong token: %v, want Twilio's error 20003", err)
	}
}
