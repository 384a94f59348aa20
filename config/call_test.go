package config

import (
	"slices"
	"testing"
	"time"
)

func TestCallSection(t *testing.T) {
	c, err := read(t, minimal+`
call:
  sip: {trunk: "sip:pbx.example.com:5060;transport=tcp", from: "sip:frontdoor@pbx.example.com"}
`, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Call.Provider != "sip" || c.Call.SIP.Timeout.D() != 30*time.Second || c.Call.SIP.Bind != "0.0.0.0" {
		t.Errorf("defaults: %+v %+v", c.Call, c.Call.SIP)
	}
	c, err = read(t, minimal+`
call:
  provider: twilio
  twilio: {account_sid: "AC0123456789abcdef0123456789abcdef", auth_token_file: /run/token, from: "+14155550100"}
`, nil, map[string]string{"/run/token": "secret"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Call.Twilio.AuthToken != "secret" || c.Call.Twilio.BaseURL != "https://api.twilio.com" {
		t.Errorf("twilio: %+v", c.Call.Twilio)
	}
}

func TestCallProblems(t *testing.T) {
	cases := []struct {
		yml  string
		want []string
	}{
		{"call: {provider: skype}", []string{"call.provider"}},
		{"call: {provider: sip}", []string{"call.sip"}},
		{"call: {provider: twilio}", []string{"call.twilio"}},
		{`call: {sip: {trunk: "pbx.example.com", from: "sip:pbx.example.com", timeout: 1s, username: u}}`,
			[]string{"call.sip.trunk", "call.sip.from", "call.sip.timeout", "call.sip.username"}},
		{`call: {provider: twilio, twilio: {account_sid: "x", from: "4155550100", base_url: "ftp://x", timeout: 1h}}`,
			[]string{"call.twilio.account_sid", "call.twilio.auth_token", "call.twilio.from", "call.twilio.base_url", "call.twilio.timeout"}},
		{`call: {provider: twilio, twilio: {base_url: "http://api.example.com"}}`, []string{"call.twilio.base_url"}},
	}
	for _, c := range cases {
		_, err := read(t, minimal+c.yml+"\n", nil, nil)
		got := problemPaths(t, err)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: problems %v, want %s", c.yml, got, w)
			}
		}
	}
	if _, err := read(t, minimal+"call: {sip: {trunk: \"sip:a\", from: \"sip:f@a\", port: 1}}\n", nil, nil); err == nil {
		t.Error("an unknown key under call.sip was accepted")
	}
}
