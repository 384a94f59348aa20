package server

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

var referenceRE = regexp.MustCompile(`<code id="reference">([A-Z2-9]{4}-[A-Z2-9]{4})</code>`)

// helpdeskAddress is a mailbox of the test's own in mailpit, emptied first.
func helpdeskAddress(t *testing.T) string {
	addr := "hd-" + strings.ToLower(rand.Text()[:10]) + "@example.test"
	if err := testenv.Mailpit(t).Delete(context.Background(), addr); err != nil {
		t.Fatal(err)
	}
	return addr
}

// helpdeskForm opens the helpdesk form from the footer link of another page.
func helpdeskForm(t *testing.T, fd *frontdoor, c *http.Client) string {
	t.Helper()
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
	if !strings.Contains(body, `<a href="/.frontdoor/helpdesk">Contact your administrator</a>`) {
		t.Fatalf("no helpdesk link in the footer:\n%s", body)
	}
	status, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/helpdesk", nil)
	if status != http.StatusOK || !strings.Contains(body, `<textarea id="f-message" name="message"`) {
		t.Fatalf("helpdesk form: %d\n%s", status, body)
	}
	return body
}

// sendHelpdesk posts the form and returns the status and page.
func sendHelpdesk(t *testing.T, fd *frontdoor, c *http.Client, body, login, message string) (int, string) {
	t.Helper()
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/helpdesk/send", url.Values{"csrf_token": {csrf(t, body)},
		"login": {login}, "message": {message}, "captcha": {fd.captchaAnswer(t, c, "helpdesk")}})
	return status, body
}

func TestHelpdeskEmail(t *testing.T) {
	addr := helpdeskAddress(t)
	cfg := testConfig(t)
	cfg.Helpdesk = &config.Helpdesk{Email: addr}
	fd := startFrontdoor(t, cfg)
	c := browser(t)
	const message = "I am locked out.\nMy manager says <b>hello</b> & <script>alert(1)</script>"

	tests := []struct {
		name, login, message, want string
	}{
		{"no user ID", "", message, "Enter your user ID."},
		{"header injection in the user ID", "bob\r\nBcc: evil@example.test", message, "Enter your user ID."},
		{"no message", "bob", "  \n ", "Write a message for the helpdesk."},
		{"message too long", "bob", strings.Repeat("é", 2001), "Your message is too long."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := sendHelpdesk(t, fd, c, helpdeskForm(t, fd, c), tt.login, tt.message)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d; want 422 with %q:\n%s", status, tt.want, body)
			}
		})
	}

	status, body := sendHelpdesk(t, fd, c, helpdeskForm(t, fd, c), "alice", message)
	m := referenceRE.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("no reference number after sending: %d\n%s", status, body)
	}
	ref := m[1]
	mail, err := testenv.Mailpit(t).WaitFor(context.Background(), addr, 15*time.Second, func(m testenv.Mail) bool {
		return strings.Contains(m.Subject, ref)
	})
	if err != nil {
		t.Fatalf("no helpdesk mail with reference %s: %v", ref, err)
	}
	if mail.Subject != "Helpdesk request "+ref+" from alice" {
		t.Errorf("subject %q", mail.Subject)
	}
	if text := strings.ReplaceAll(mail.Text, "\r\n", "\n"); !strings.Contains(text, message) || !strings.Contains(text, "Reference: "+ref) {
		t.Errorf("text part lacks the message or the reference:\n%s", mail.Text)
	}
	if strings.Contains(mail.HTML, "<script>") || strings.Contains(mail.HTML, "<b>hello") ||
		!strings.Contains(mail.HTML, "&lt;script&gt;") {
		t.Errorf("HTML part does not escape the message:\n%s", mail.HTML)
	}
	if len(mail.To) != 1 || mail.To[0].Address != addr {
		t.Errorf("mail to %v; want only %s", mail.To, addr)
	}

	// The same user ID may ask three times a day; the fourth is refused.
	for i := range 3 {
		status, body = sendHelpdesk(t, fd, c, helpdeskForm(t, fd, c), "Alice ", "again")
		if want := i < 2; want != (status == http.StatusOK) {
			t.Fatalf("request %d for the same user ID: status %d\n%s", i+2, status, body)
		}
	}
	if status != http.StatusTooManyRequests || !strings.Contains(body, "already sent for this user ID") {
		t.Fatalf("fourth request: status %d\n%s", status, body)
	}
}

// TestHelpdeskGroup sends to every member of the fixture helpdesk group, and
// reaches the form through an intercepted upstream path.
func TestHelpdeskGroup(t *testing.T) {
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	cfg := testConfig(t)
	cfg.Helpdesk = &config.Helpdesk{Group: "cn=helpdesk,ou=groups," + base}
	cfg.Upstream.Intercept.Helpdesk = []string{"/simplesaml/contact-admin"}
	fd := startFrontdoor(t, cfg)
	c := browser(t)
	status, _, body := page(t, c, "GET", fd.URL+"/simplesaml/contact-admin", nil)
	if status != http.StatusOK || !strings.Contains(body, `name="message"`) {
		t.Fatalf("intercepted path is not the helpdesk form: %d\n%s", status, body)
	}
	status, body = sendHelpdesk(t, fd, c, body, "carol", "Please call me back.")
	m := referenceRE.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("no reference number: %d\n%s", status, body)
	}
	for _, member := range []string{"bob@example.test", "carol@example.test"} {
		if _, err := testenv.Mailpit(t).WaitFor(context.Background(), member, 15*time.Second, func(mail testenv.Mail) bool {
			return strings.Contains(mail.Subject, m[1]) && strings.Contains(mail.Text, "Please call me back.")
		}); err != nil {
			t.Errorf("group member %s got no request %s: %v", member, m[1], err)
		}
	}
}

// TestHelpdeskNotConfigured: without a helpdesk the link still answers, with
// a page that says to contact the administrator the usual way.
func TestHelpdeskNotConfigured(t *testing.T) {
	fd := startFrontdoor(t, nil)
	status, _, body := page(t, browser(t), "GET", fd.URL+"/.frontdoor/helpdesk", nil)
	if status != http.StatusOK || !strings.Contains(body, "This service has no contact form.") || strings.Contains(body, "<form") {
		t.Fatalf("status %d:\n%s", status, body)
	}
}

func TestHelpdeskRedirect(t *testing.T) {
	cfg := testConfig(t)
	cfg.Helpdesk = &config.Helpdesk{URL: "https://support.example.test/new-ticket"}
	fd := startFrontdoor(t, cfg)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(fd.URL + "/.frontdoor/helpdesk")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != cfg.Helpdesk.URL {
		t.Fatalf("status %d to %q; want 303 to the portal", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestAdminAlerts: when privileged accounts may self-serve, resetting or
// unlocking one alerts the helpdesk. The account is privileged through a
// throwaway admin group of the test.
func TestAdminAlerts(t *testing.T) {
	tests := []struct {
		event string
		walk  func(t *testing.T, fd *frontdoor, login, mail, password string)
		want  string
	}{
		{"unlock", func(t *testing.T, fd *frontdoor, login, mail, password string) {
			slapdLockOut(t, login, password)
			if body := unlockWalk(t, fd, login, mail); !strings.Contains(body, unlockedGeneric) {
				t.Fatalf("no unlock outcome page:\n%s", body)
			}
		}, "was unlocked through self-service"},
		{"reset", func(t *testing.T, fd *frontdoor, login, mail, _ string) {
			c, body := resetWalk(t, fd, login, mail)
			const pw = "Harbour-Violet-Compass-58"
			_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
				"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
			if !strings.Contains(body, "Your password has been reset") {
				t.Fatalf("no confirmation page:\n%s", body)
			}
		}, "was reset through self-service"},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			// A privileged account passes two gates: email, then a text.
			login, mail, password, _ := phoneUser(t)
			group := slapdGroup(t, "fd-admins-", login)
			addr := helpdeskAddress(t)
			cfg := testConfig(t)
			withText(t, cfg)
			ldapConfig(cfg).AdminGroups = []string{group}
			cfg.Reset.ManagedElsewhere.Privileged = new(bool)
			cfg.Helpdesk = &config.Helpdesk{Email: addr}
			fd := startFrontdoor(t, cfg)

			tt.walk(t, fd, login, mail, password)
			alert, err := testenv.Mailpit(t).WaitFor(context.Background(), addr, 15*time.Second, func(m testenv.Mail) bool {
				return strings.Contains(m.Text, login)
			})
			if err != nil {
				t.Fatalf("no admin alert: %v", err)
			}
			if !strings.Contains(alert.Text, "privileged account") || !strings.Contains(alert.Text, tt.want) {
				t.Fatalf("alert does not say what happened:\n%s", alert.Text)
			}
		})
	}
}

// TestRefusedAlerts: a reset or an unlock asked for a privileged
// account walks the generic pages and tells the helpdesk, once a day per
// account and flow: the second try of each raises no second mail, and an
// ordinary account raises none.
func TestRefusedAlerts(t *testing.T) {
	addr := helpdeskAddress(t)
	cfg := testConfig(t)
	cfg.Helpdesk = &config.Helpdesk{Email: addr}
	fd := startFrontdoor(t, cfg)
	for _, kind := range []string{"reset", "unlock"} {
		for range 2 {
			fd.identifyIn(t, browser(t), kind, "admin1")
		}
		fd.identifyIn(t, browser(t), kind, "alice")
	}
	mp, ctx := testenv.Mailpit(t), context.Background()
	for _, want := range []string{"reset the password of admin1", "unlock the account admin1"} {
		alert, err := mp.WaitFor(ctx, addr, 15*time.Second, func(m testenv.Mail) bool { return strings.Contains(m.Text, want) })
		if err != nil {
			t.Fatalf("no alert saying %q: %v", want, err)
		}
		if alert.Subject != "Self-service refused for admin1" || !strings.Contains(alert.Text, "managed by administrators") {
			t.Fatalf("alert %q does not say what happened:\n%s", alert.Subject, alert.Text)
		}
	}
	time.Sleep(time.Second) // the second tries had as long as the first
	if msgs, err := mp.Messages(ctx, addr); err != nil || len(msgs) != 2 {
		t.Fatalf("%d alerts (%v); want one per flow", len(msgs), err)
	}
}

// slapdGroup creates a throwaway group, named prefix and login, whose only
// member is login (for directory.admin_groups, audit.readers), and deletes
// it at the end.
func slapdGroup(t *testing.T, prefix, login string) string {
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	group := "cn=" + prefix + login + ",ou=groups," + base
	add := ldap.NewAddRequest(group, nil)
	add.Attribute("objectClass", []string{"groupOfNames"})
	add.Attribute("cn", []string{prefix + login})
	add.Attribute("member", []string{"uid=" + login + ",ou=people," + base})
	if err := slapdRoot(t).Add(add); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := slapdRoot(t).Del(ldap.NewDelRequest(group, nil)); err != nil {
			t.Errorf("delete %s: %v", group, err)
		}
	})
	return group
}

// TestHelpdeskGenericDisclosure: the helpdesk form answers a request
// for a known, an unknown, a disabled, a privileged, a permanently locked,
// a locked-out and a contact-less user ID alike: status, redirect, headers, cookies and page, with the
// reference number masked.
func TestHelpdeskGenericDisclosure(t *testing.T) {
	cfg := testConfig(t)
	cfg.Helpdesk = &config.Helpdesk{Email: helpdeskAddress(t)}
	fd := startFrontdoor(t, cfg)
	var want []response
	for i, login := range []string{"alice", "nosuchuser", "disabled", "admin1", "permlocked", "locked", "nocontact"} {
		c := browser(t)
		body := helpdeskForm(t, fd, c)
		sent := observe(t, noFollow(c), "POST", fd.URL+"/.frontdoor/helpdesk/send", url.Values{"csrf_token": {csrf(t, body)},
			"login": {login}, "message": {"I cannot sign in."}, "captcha": {fd.captchaAnswer(t, c, "helpdesk")}})
		if sent.Status != http.StatusSeeOther {
			t.Fatalf("%s: status %d:\n%s", login, sent.Status, sent.Body)
		}
		shown := observe(t, noFollow(c), "GET", fd.URL+sent.Location, nil)
		if !referenceRE.MatchString(shown.Body) {
			t.Fatalf("%s: no reference number (status %d):\n%s", login, shown.Status, shown.Body)
		}
		shown.Body = referenceRE.ReplaceAllString(shown.Body, "REFERENCE")
		got := []response{sent, shown}
		if i == 0 {
			want = got
			continue
		}
		for j := range got {
			if a, b := got[j], want[j]; a.Status != b.Status || a.Location != b.Location || !slices.Equal(a.Headers, b.Headers) ||
				!slices.Equal(a.Cookies, b.Cookies) || a.Body != b.Body {
				t.Errorf("%s: answer %d differs from alice's:\n got  %+v\n want %+v", login, j, a, b)
			}
		}
	}
}
