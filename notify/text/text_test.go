package text

import (
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/notify"
)

func TestNewPicksTheProvider(t *testing.T) {
	mail := func(notify.Message) {}
	for _, tc := range []struct {
		c    config.Text
		want string
	}{
		{config.Text{Provider: "kannel", Kannel: &config.TextKannel{URL: "http://127.0.0.1:13013/cgi-bin/sendsms"}}, "*text.Kannel"},
		{config.Text{Provider: "twilio", Twilio: &config.TextTwilio{AccountSID: "AC1", AuthToken: "t", From: "+1"}}, "*text.Twilio"},
		{config.Text{Provider: "webhook", Webhook: &config.TextWebhook{URL: "https://x", Secret: "s", Body: `{"to":{{.To}}}`, Header: "X-S"}}, "*text.Webhook"},
		{config.Text{Provider: "email_gateway", EmailGateway: &config.TextEmailGateway{Domain: "sms.example.com"}}, "*text.EmailGateway"},
	} {
		s, err := New(tc.c, mail)
		if err != nil {
			t.Fatalf("%s: %v", tc.c.Provider, err)
		}
		if got := typeName(s); got != tc.want {
			t.Errorf("%s: %s", tc.c.Provider, got)
		}
	}
	if _, err := New(config.Text{Provider: "email_gateway", EmailGateway: &config.TextEmailGateway{Domain: "x.com"}}, nil); err == nil {
		t.Error("email_gateway without mail accepted")
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *Kannel:
		return "*text.Kannel"
	case *Twilio:
		return "*text.Twilio"
	case *Webhook:
		return "*text.Webhook"
	case *EmailGateway:
		return "*text.EmailGateway"
	}
	return "?"
}
