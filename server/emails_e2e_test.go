package server

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestConfirmationEmailSender reads, from mailpit, the confirmation of a
// whole reset: the sender's name is email.from's as the operator wrote it,
// or "<product> on behalf of <organisation>" when it has none, with the
// product name configured; the message names the helpdesk to contact.
func TestConfirmationEmailSender(t *testing.T) {
	tests := []struct {
		name, from, product string
		helpdesk            *config.Helpdesk
		wantName, wantText  string
	}{
		{"display name as written", "IT Service Desk <no-reply@example.test>", "", &config.Helpdesk{Email: "help@example.test"},
			"IT Service Desk", "contact your administrator at once at help@example.test"},
		{"no display name: product on behalf of the organisation", "no-reply@example.test", "Password Help", &config.Helpdesk{URL: "https://help.example.test/ticket"},
			"Password Help on behalf of Example Corp", "contact your administrator at once at https://help.example.test/ticket"},
		{"no helpdesk address", "no-reply@example.test", "", nil,
			"frontdoor on behalf of Example Corp", "contact your administrator at once: someone else"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Email.From, cfg.ProductName, cfg.Helpdesk = tt.from, tt.product, tt.helpdesk
			fd := startFrontdoor(t, cfg)
			login, mail, _ := slapdUser(t)
			c, body := resetWalk(t, fd, login, mail)
			const pw = "Quartz-Meadow-Lantern-95"
			_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
				"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
			if !strings.Contains(body, "Your password has been reset") {
				t.Fatalf("no done page:\n%s", body)
			}
			m, err := testenv.Mailpit(t).WaitFor(context.Background(), mail, 15*time.Second, func(m testenv.Mail) bool {
				return strings.Contains(m.Subject, "reset")
			})
			if err != nil {
				t.Fatal(err)
			}
			if m.From.Name != tt.wantName || m.From.Address != "no-reply@example.test" {
				t.Errorf("From %q <%s>, want %q", m.From.Name, m.From.Address, tt.wantName)
			}
			for _, part := range []string{m.Text, m.HTML} {
				if !strings.Contains(part, tt.wantText) {
					t.Errorf("the confirmation lacks %q:\n%s", tt.wantText, part)
				}
			}
			if tt.product != "" && !strings.Contains(m.Text, tt.product) {
				t.Errorf("the footer does not name the product %q:\n%s", tt.product, m.Text)
			}
		})
	}
}
