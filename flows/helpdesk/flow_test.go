package helpdesk_test

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/flows/helpdesk"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

var referenceRE = regexp.MustCompile(`\b[A-Z2-9]{4}-[A-Z2-9]{4}\b`)

func send(b *flowtest.Browser, p flowtest.Page, login, message string) flowtest.Page {
	return b.Submit(p, "helpdesk/send", "login", login, "message", message)
}

func TestHelpdeskWalk(t *testing.T) {
	env := flowtest.New(t)
	env.Helpdesk(helpdesk.Options{}, func(context.Context) ([]string, error) {
		return []string{"ann@example.test", "bo@example.test"}, nil
	})
	b := env.Browser()
	p := b.Get("/.frontdoor/helpdesk?return_to=" + url.QueryEscape("/login"))
	env.Expect(p, 200, "helpdesk.form.title")
	p = send(b, p, " alice ", "I lost my phone.\r\nPlease help.\x00")
	env.Expect(p, 200, "helpdesk.sent.title", "helpdesk.sent.keep")
	if p.URL.Path != "/.frontdoor/helpdesk/sent" {
		t.Fatalf("ended at %s", p.URL)
	}
	ref := referenceRE.FindString(p.Body)
	sent := env.HelpdeskMail()
	if len(sent) != 1 || ref == "" || sent[0].Request.Reference != ref {
		t.Fatalf("page reference %q, sent %+v", ref, sent)
	}
	req := sent[0].Request
	if strings.Join(sent[0].To, ",") != "ann@example.test,bo@example.test" || req.Login != "alice" ||
		req.Message != "I lost my phone.\nPlease help." || req.IP != "192.0.2.1" || req.RequestID == "" {
		t.Fatalf("request %+v", sent[0])
	}
	if !strings.Contains(p.Body, `href="http://frontdoor.test/login"`) {
		t.Fatalf("no way back to the sign-in page:\n%s", p.Body)
	}
	evs := env.Events(audit.HelpdeskRequest)
	if len(evs) != 1 || evs[0].Detail["reference"] != ref || evs[0].Detail["recipients"] != "2" || !strings.HasPrefix(evs[0].User, "login:") || strings.Contains(evs[0].User, "alice") {
		t.Fatalf("audit %+v", evs)
	}
	// The sent page can be shown again; the form cannot be sent again.
	env.Expect(b.Get("/.frontdoor/helpdesk/sent"), 200, "helpdesk.sent.title")
	if p := b.Post("/.frontdoor/helpdesk/send", url.Values{"login": {"alice"}, "message": {"again"}}); p.Status != 403 {
		t.Fatalf("a second send: status %d", p.Status)
	}
	if len(env.HelpdeskMail()) != 1 {
		t.Fatal("sent twice")
	}
}

func TestHelpdeskValidation(t *testing.T) {
	tests := []struct {
		name, login, message, msg string
	}{
		{"no user ID", "  ", "help", "helpdesk.error.login"},
		{"user ID too long", strings.Repeat("a", 257), "help", "helpdesk.error.login"},
		{"control character in the user ID", "alice\x1b", "help", "helpdesk.error.login"},
		{"no message", "alice", " \n\t", "helpdesk.error.message"},
		{"message too long", "alice", strings.Repeat("é", helpdesk.MaxMessage+1), "helpdesk.error.message_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := flowtest.New(t)
			env.Helpdesk(helpdesk.Options{}, nil)
			b := env.Browser()
			p := send(b, b.Get("/.frontdoor/helpdesk"), tt.login, tt.message)
			env.Expect(p, 422, tt.msg, "helpdesk.form.title")
			if len(env.HelpdeskMail()) != 0 {
				t.Fatal("sent")
			}
			// What was typed is kept, and the form can be sent again.
			if tt.name == "no message" && !strings.Contains(p.Body, `value="alice"`) {
				t.Fatalf("the user ID was not kept:\n%s", p.Body)
			}
			env.Expect(send(b, p, "alice", "help"), 200, "helpdesk.sent.title")
		})
	}
}

// TestHelpdeskLimits: 3 requests a day per user ID, 10 posts an hour per
// client address.
func TestHelpdeskLimits(t *testing.T) {
	t.Run("per user ID", func(t *testing.T) {
		env := flowtest.New(t)
		env.Helpdesk(helpdesk.Options{}, nil)
		for i := range 4 {
			b := env.Browser()
			b.IP = "192.0.2." + string(rune('1'+i))
			p := send(b, b.Get("/.frontdoor/helpdesk"), "Alice", "help")
			if i < 3 {
				env.Expect(p, 200, "helpdesk.sent.title")
				continue
			}
			env.Expect(p, 429, "helpdesk.error.too_many_login")
		}
		if n := len(env.HelpdeskMail()); n != 3 {
			t.Fatalf("%d requests sent", n)
		}
	})
	t.Run("per account, however it is spelt", func(t *testing.T) {
		env := flowtest.New(t)
		env.Dir.Add(idp.User{ID: "u-dave", Login: "dave", Emails: []string{"dave@example.com"}}, "")
		env.Helpdesk(helpdesk.Options{}, nil)
		for i, login := range []string{"dave", "DAVE@example.com", "\uff44\uff41\uff56\uff45", "dave@example.com", "nobody", "NOBODY"} {
			b := env.Browser()
			b.IP = "192.0.2." + strconv.Itoa(i+1)
			p := send(b, b.Get("/.frontdoor/helpdesk"), login, "help")
			if i == 3 {
				env.Expect(p, 429, "helpdesk.error.too_many_login")
				continue
			}
			env.Expect(p, 200, "helpdesk.sent.title")
		}
		evs := env.Events(audit.HelpdeskRequest)
		slices.Reverse(evs) // oldest first
		if len(evs) != 5 {
			t.Fatalf("%d requests recorded: %+v", len(evs), evs)
		}
		for i, want := range []string{"id:u-dave", "id:u-dave", "id:u-dave"} {
			if evs[i].User != want {
				t.Errorf("request %d recorded for %q, want %q", i, evs[i].User, want)
			}
		}
		if evs[3].User != evs[4].User || !strings.HasPrefix(evs[3].User, "login:") {
			t.Errorf("an unknown ID in two cases recorded as %q and %q", evs[3].User, evs[4].User)
		}
	})
	t.Run("per address", func(t *testing.T) {
		env := flowtest.New(t)
		env.Helpdesk(helpdesk.Options{}, nil)
		b := env.Browser()
		p := b.Get("/.frontdoor/helpdesk")
		for range 10 {
			p = send(b, p, "alice", "")
			env.Expect(p, 422, "helpdesk.error.message")
		}
		env.Expect(send(b, p, "alice", "help"), 429, "helpdesk.error.too_many")
		if evs := env.Events(audit.Blocked); len(evs) != 1 || evs[0].Detail["limit"] != "helpdesk_ip" {
			t.Fatalf("audit %+v", evs)
		}
	})
}

// TestHelpdeskNoRecipients: a helpdesk group that is empty or cannot be
// read is told to the user, not swallowed.
func TestHelpdeskNoRecipients(t *testing.T) {
	for name, recipients := range map[string]func(context.Context) ([]string, error){
		"empty":  func(context.Context) ([]string, error) { return nil, nil },
		"failed": func(context.Context) ([]string, error) { return nil, errors.New("directory down") },
	} {
		t.Run(name, func(t *testing.T) {
			env := flowtest.New(t)
			env.Helpdesk(helpdesk.Options{}, recipients)
			b := env.Browser()
			p := send(b, b.Get("/.frontdoor/helpdesk"), "alice", "help")
			env.Expect(p, 503, "helpdesk.error.unavailable")
			if !strings.Contains(p.Body, "help</textarea>") {
				t.Fatalf("the message was not kept:\n%s", p.Body)
			}
			if evs := env.Events(audit.HelpdeskRequest); len(evs) != 1 || evs[0].Outcome != "unavailable" {
				t.Fatalf("audit %+v", evs)
			}
		})
	}
}

func TestHelpdeskPortal(t *testing.T) {
	env := flowtest.New(t)
	env.Helpdesk(helpdesk.Options{URL: "https://help.example.test/new"}, nil)
	b := env.Browser()
	b.NoRedirects()
	p := b.Get("/.frontdoor/helpdesk")
	if p.Status != 303 || p.Header.Get("Location") != "https://help.example.test/new" {
		t.Fatalf("status %d, Location %q", p.Status, p.Header.Get("Location"))
	}
	if p := b.Post("/.frontdoor/helpdesk/send", url.Values{"login": {"alice"}, "message": {"help"}}); p.Status != 404 {
		t.Fatalf("a form post with a portal: status %d", p.Status)
	}
}

func TestHelpdeskCaptcha(t *testing.T) {
	env := flowtest.New(t)
	env.Captcha = true
	env.Helpdesk(helpdesk.Options{}, nil)
	b := env.Browser()
	p := b.Get("/.frontdoor/helpdesk")
	for path, ctype := range map[string]string{"helpdesk/captcha.png": "image/png", "helpdesk/captcha.wav": "audio/wav"} {
		if img := b.Get(flowtest.Prefix + path); img.Status != 200 || img.Header.Get("Content-Type") != ctype {
			t.Fatalf("%s: status %d, type %q", path, img.Status, img.Header.Get("Content-Type"))
		}
	}
	answer := captchaAnswer(env, b)
	p = b.Submit(p, "helpdesk/send", "login", "alice", "message", "help", "captcha", "x"+answer)
	env.Expect(p, 422, "helpdesk.error.captcha")
	// Used once: the old answer fails too.
	p = b.Submit(p, "helpdesk/send", "login", "alice", "message", "help", "captcha", answer)
	env.Expect(p, 422, "helpdesk.error.captcha")
	p = b.Submit(p, "helpdesk/send", "login", "alice", "message", "help", "captcha", captchaAnswer(env, b))
	env.Expect(p, 200, "helpdesk.sent.title")
	if img := b.Get(flowtest.Prefix + "helpdesk/captcha.png"); img.Status != 404 {
		t.Fatalf("a CAPTCHA after sending: status %d", img.Status)
	}
}

// TestHelpdeskCaptchaFieldMissingOrRepeated (H-2): the form's CAPTCHA field
// left out, or sent twice even with the right answer, is refused; sent once
// with it, the message goes.
func TestHelpdeskCaptchaFieldMissingOrRepeated(t *testing.T) {
	env := flowtest.New(t)
	env.Captcha = true
	env.Helpdesk(helpdesk.Options{}, nil)
	b := env.Browser()
	p := b.Get("/.frontdoor/helpdesk")
	p = b.Submit(p, "helpdesk/send", "login", "alice", "message", "help")
	env.Expect(p, 422, "helpdesk.error.captcha")
	right := captchaAnswer(env, b)
	p = b.Submit(p, "helpdesk/send", "login", "alice", "message", "help", "captcha", right, "captcha", right)
	env.Expect(p, 422, "helpdesk.error.captcha")
	p = b.Submit(p, "helpdesk/send", "login", "alice", "message", "help", "captcha", captchaAnswer(env, b))
	env.Expect(p, 200, "helpdesk.sent.title")
}

// TestHelpdeskCaptchaLimit: the helpdesk's challenge is drawn a few times
// only, then 429 with Retry-After.
func TestHelpdeskCaptchaLimit(t *testing.T) {
	env := flowtest.New(t)
	env.Captcha = true
	env.Helpdesk(helpdesk.Options{}, nil)
	b := env.Browser()
	b.Get("/.frontdoor/helpdesk")
	for range gate.CaptchaRenders {
		if p := b.Get(flowtest.Prefix + "helpdesk/captcha.wav"); p.Status != 200 {
			t.Fatalf("status %d", p.Status)
		}
	}
	if p := b.Get(flowtest.Prefix + "helpdesk/captcha.wav"); p.Status != 429 || p.Header.Get("Retry-After") == "" {
		t.Fatalf("past the limit: status %d, Retry-After %q", p.Status, p.Header.Get("Retry-After"))
	}
}

func captchaAnswer(env *flowtest.Env, b *flowtest.Browser) string {
	var s struct {
		Captcha struct{ Answer string }
	}
	env.State(b, "helpdesk", &s)
	return s.Captcha.Answer
}

// TestHelpdeskNoFlow: the form's pages without a flow lead to the form.
func TestHelpdeskNoFlow(t *testing.T) {
	env := flowtest.New(t)
	env.Helpdesk(helpdesk.Options{}, nil)
	for _, get := range []bool{true, false} {
		b := env.Browser()
		var p flowtest.Page
		if get {
			p = b.Get("/.frontdoor/helpdesk/sent")
		} else {
			p = b.Post("/.frontdoor/helpdesk/send", url.Values{"login": {"alice"}, "message": {"help"}})
		}
		env.Expect(p, 200, "helpdesk.form.title")
		if p.URL.Path != "/.frontdoor/helpdesk" {
			t.Fatalf("ended at %s", p.URL)
		}
	}
	// A flow that has not sent anything has no sent page.
	b := env.Browser()
	b.Get("/.frontdoor/helpdesk")
	env.Expect(b.Get("/.frontdoor/helpdesk/sent"), 200, "helpdesk.form.title")
	if len(env.HelpdeskMail()) != 0 {
		t.Fatal("sent")
	}
	// A form without its token is refused.
	env.Expect(b.Post("/.frontdoor/helpdesk/send", url.Values{"login": {"alice"}, "message": {"help"}}), 403, "error.forbidden.title")
	env.Expect(b.Post("/.frontdoor/helpdesk/send", url.Values{"message": {strings.Repeat("a", 40<<10)}}), 413, "error.too_large.title")
}
