package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestTextGateways: the same reset through the webhook gateway (a receiver
// that checks the signature as the operations guide tells) and through the
// email-to-SMS gateway (the text lands in mailpit at NUMBER@domain).
func TestTextGateways(t *testing.T) {
	const secret = "webhook-secret-0123456789"
	texts := make(chan string, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ts, sig string
		for _, part := range strings.Split(r.Header.Get("X-Frontdoor-Signature"), ",") {
			k, v, _ := strings.Cut(part, "=")
			if k == "t" {
				ts = v
			} else if k == "v1" {
				sig = v
			}
		}
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(ts + "."))
		m.Write(body)
		got, _ := hex.DecodeString(sig)
		var msg struct{ To, Text string }
		if !hmac.Equal(got, m.Sum(nil)) || json.Unmarshal(body, &msg) != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		texts <- msg.To + " " + msg.Text
	}))
	defer hook.Close()

	for _, tc := range []struct {
		name string
		text *config.Text
		read func(t *testing.T, mobile string) string
	}{
		{"webhook", &config.Text{Provider: "webhook", Webhook: &config.TextWebhook{URL: hook.URL, Secret: secret}},
			func(t *testing.T, mobile string) string {
				select {
				case s := <-texts:
					if !strings.HasPrefix(s, mobile+" ") {
						t.Fatalf("the webhook got %q", s)
					}
					return s
				case <-time.After(15 * time.Second):
					t.Fatal("no signed webhook call")
				}
				return ""
			}},
		{"email_gateway", &config.Text{Provider: "email_gateway", EmailGateway: &config.TextEmailGateway{Domain: "sms.example.test"}},
			func(t *testing.T, mobile string) string {
				to := strings.TrimPrefix(mobile, "+") + "@sms.example.test"
				m, err := testenv.Mailpit(t).WaitFor(context.Background(), to, 15*time.Second, func(m testenv.Mail) bool { return textCodeRE.MatchString(m.Text) })
				if err != nil {
					t.Fatal(err)
				}
				return m.Text
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Reset.Methods = []string{"mobile_text"}
			cfg.Phone = &config.Phone{DefaultRegion: "US", AllowedCountries: []string{"US"}}
			cfg.Text = tc.text
			fd := startFrontdoor(t, cfg)
			login, _, _, mobile := phoneUser(t)
			if tc.name == "email_gateway" {
				if err := testenv.Mailpit(t).Delete(context.Background(), strings.TrimPrefix(mobile, "+")+"@sms.example.test"); err != nil {
					t.Fatal(err)
				}
			}
			c := browser(t)
			_, body := fd.askNumber(t, c, fd.identify(t, c, login), mobile)
			m := textCodeRE.FindStringSubmatch(tc.read(t, mobile))
			if m == nil {
				t.Fatal("no code in the text")
			}
			_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {m[1]}})
			if !strings.Contains(body, `name="confirm"`) {
				t.Fatalf("after the code: no new-password form\n%s", body)
			}
		})
	}
}
