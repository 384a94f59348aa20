package config

import (
	"slices"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/idp/ldap"
)

const withLDAP = minimal + `
directory:
  type: openldap
  urls: ["ldaps://127.0.0.1:3636"]
  base_dn: "dc=example,dc=test"
  bind_dn: "cn=frontdoor,dc=example,dc=test"
  bind_password: "x"
`

func TestTextPhoneBudgetsDefaults(t *testing.T) {
	c, err := read(t, minimal+`
phone:
  default_region: US
  allowed_countries: [US, CA]
text:
  provider: webhook
  webhook: {url: "https://sms.example.com/send", secret_file: /run/secrets/hook}
`, nil, map[string]string{"/run/secrets/hook": "0123456789abcdef0123\n"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Text.CodeDigits != 6 || c.Text.Webhook.Header != "X-Frontdoor-Signature" || c.Text.Webhook.Secret != "0123456789abcdef0123" {
		t.Errorf("text defaults: %+v %+v", c.Text, c.Text.Webhook)
	}
	if b := c.Budgets; b.TextsPerHour != 200 || b.CallsPerHour != 100 || b.PerNumberPerDay != 5 || b.PerAccountPerHour != 5 {
		t.Errorf("budget defaults: %+v", b)
	}
}

func TestTextPhoneBudgetsProblems(t *testing.T) {
	for name, tc := range map[string]struct {
		yml  string
		want []string
	}{
		"unknown provider":       {"text: {provider: carrier-pigeon}", []string{"text.provider"}},
		"kannel without section": {"text: {provider: kannel}", []string{"text.kannel"}},
		"kannel bad url":         {"text: {provider: kannel, kannel: {url: 'ftp://x'}}", []string{"text.kannel.url"}},
		"twilio missing":         {"text: {provider: twilio, twilio: {}}", []string{"text.twilio.account_sid", "text.twilio.auth_token", "text.twilio.from"}},
		"twilio http":            {"text: {provider: twilio, twilio: {account_sid: AC1, auth_token: t, from: '+14155550100', base_url: 'http://api.example.com'}}", []string{"text.twilio.base_url"}},
		"webhook http":           {"text: {provider: webhook, webhook: {url: 'http://sms.example.com/', secret: 0123456789abcdef}}", []string{"text.webhook.url"}},
		"webhook secret":         {"text: {provider: webhook, webhook: {url: 'https://sms.example.com/', secret: short}}", []string{"text.webhook.secret"}},
		"gateway no mail":        {"text: {provider: email_gateway, email_gateway: {domain: sms.example.com}}", []string{"email"}},
		"digits":                 {"text: {provider: kannel, code_digits: 4, kannel: {url: 'http://127.0.0.1:13013/'}}", []string{"text.code_digits"}},
		"regions":                {"phone: {default_region: XX, allowed_countries: [US, Narnia]}", []string{"phone.default_region", "phone.allowed_countries[1]"}},
		"budget":                 {"budgets: {texts_per_hour: -1}", []string{"budgets.texts_per_hour"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := read(t, minimal+tc.yml+"\n", nil, nil)
			if err == nil {
				t.Fatal("accepted")
			}
			got := problemPaths(t, err)
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("problems %v lack %s", got, w)
				}
			}
		})
	}
}

func TestPhoneAttributesReachTheDirectory(t *testing.T) {
	c, err := read(t, withLDAP+`
phone: {mobile_attribute: pager, office_attribute: homePhone}
`, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := c.Directory.Backend.(*ldap.Config).Attributes
	if a.Mobile != "pager" || a.Phone != "homePhone" {
		t.Errorf("attributes = %+v", a)
	}
	_, err = read(t, withLDAP+`  attributes: {mobile: mobile}
phone: {mobile_attribute: pager}
`, nil, nil)
	if err == nil || !slices.Contains(problemPaths(t, err), "phone") {
		t.Errorf("a conflict between phone and directory attributes was accepted: %v", err)
	}
}
