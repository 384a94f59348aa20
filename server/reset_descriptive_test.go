package server

import (
	"net/url"
	"strings"
	"testing"
)

// TestResetDescriptiveDisclosure: in descriptive mode the reference's messages
// appear right after identify.
func TestResetDescriptiveDisclosure(t *testing.T) {
	cfg := testConfig(t)
	cfg.Reset.Disclosure = "descriptive"
	fd := startFrontdoor(t, cfg)
	for login, want := range map[string]string{
		"nosuchuser": "We couldn't find an account",
		"admin1":     "Please contact your administrator to reset the password",
		"nocontact":  "We couldn't verify your account",
		"permlocked": "Please contact your administrator to reset the password",
		"alice":      "al***@example.test",
	} {
		c := browser(t)
		_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
			"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, "reset")}})
		if !strings.Contains(strings.ReplaceAll(body, "&#39;", "'"), want) {
			t.Errorf("%s: page lacks %q:\n%s", login, want, body)
		}
	}
}
