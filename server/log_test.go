package server

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// injected is a user ID typed to forge log lines: a newline followed by a
// JSON line and a text line of its own, a carriage return and ANSI colour
// escapes.
const injected = "Bob\n{\"level\":\"ERROR\",\"msg\":\"forged\"}\nlevel=ERROR msg=forged\r\x1b[31mred\x1b[0m"

// TestLogInjection (I-7): whatever the log format, a value with newlines and
// terminal escapes stays on its line, escaped, and reads back as it was.
func TestLogInjection(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		var b bytes.Buffer
		NewLogger(config.Log{Level: "info", Format: format}, &b).Info("audit", "user", "login:"+injected)
		out := b.String()
		if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") || strings.ContainsAny(out, "\r\x1b") {
			t.Errorf("%s: the value broke out of its line or kept its escapes:\n%q", format, out)
		}
		if format == "json" {
			var line struct{ User string }
			if err := json.Unmarshal(b.Bytes(), &line); err != nil || line.User != "login:"+injected {
				t.Errorf("json: user reads back as %q, %v", line.User, err)
			}
		}
	}
}

// TestLogInjectionEndToEnd: the same text typed at identify (where an
// unknown user ID is logged as a keyed digest only) and sent in a request's
// path (which the error log line names) leaves every log line whole and
// parseable.
func TestLogInjectionEndToEnd(t *testing.T) {
	var logs syncBuffer
	fd := startFrontdoorLogging(t, testConfig(t), &logs)
	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
	page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {injected}, "captcha": {fd.captchaAnswer(t, c, "reset")}})
	resp, err := c.Get(fd.URL + "/.frontdoor/" + url.PathEscape(injected))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	seen := false
	for line := range strings.Lines(logs.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("a log line is not JSON (%v): %q", err, line)
			continue
		}
		if rec["msg"] == "forged" || rec["level"] == "ERROR" && strings.Contains(line, `"forged"`) {
			t.Errorf("a forged line made it into the log: %q", line)
		}
		if p, _ := rec["path"].(string); strings.Contains(p, "forged") {
			seen = true
		}
		if u, _ := rec["user"].(string); strings.Contains(u, "forged") {
			t.Errorf("the user ID typed at identify is in the log as text, not as a digest: %q", line)
		}
	}
	if strings.ContainsAny(logs.String(), "\r\x1b") {
		t.Error("a carriage return or an escape reached the log")
	}
	if !seen {
		t.Errorf("no log line names the path sent; nothing was checked:\n%s", logs.String())
	}
}
