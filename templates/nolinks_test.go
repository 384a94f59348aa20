package templates

import (
	"io/fs"
	"path"
	"strconv"
	"strings"
	"testing"
)

// TestEmailsCarryNoLinks (J-5): no email frontdoor sends holds a link, in
// any language: not its templates, not the catalogue messages under
// [email...]. A user is never asked to click through from a message, so a
// phished copy has nothing to imitate, and a plain-http public_url leaks
// nothing through mail.
func TestEmailsCarryNoLinks(t *testing.T) {
	linkish := []string{"http://", "https://", "href", "www.", "<a "}
	check := func(where, text string) {
		t.Helper()
		for _, l := range linkish {
			if strings.Contains(strings.ToLower(text), l) {
				t.Errorf("%s holds %q", where, l)
			}
		}
	}
	emails, err := fs.Glob(embedded, "files/emails/*")
	if err != nil || len(emails) < 10 {
		t.Fatalf("email templates: %v %v", emails, err)
	}
	for _, f := range emails {
		b, err := fs.ReadFile(embedded, f)
		if err != nil {
			t.Fatal(err)
		}
		check(f, string(b))
	}
	locales, err := fs.Glob(embedded, "files/locales/*.toml")
	if err != nil || len(locales) < 2 {
		t.Fatalf("catalogues: %v %v", locales, err)
	}
	for _, f := range locales {
		b, err := fs.ReadFile(embedded, f)
		if err != nil {
			t.Fatal(err)
		}
		inEmail, seen := false, 0
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "[") {
				inEmail = strings.HasPrefix(line, "[email")
				continue
			}
			if inEmail {
				seen++
				check(path.Base(f)+":"+strconv.Itoa(i+1), line)
			}
		}
		if seen == 0 {
			t.Errorf("%s: no [email] messages found; nothing was checked", f)
		}
	}
}

// TestAlertSubjectHeaderSafe (I-5): the helpdesk alerts' subjects hold the
// directory's login; a login with CR, LF or other control characters does
// not break out of the Subject header, in any language.
func TestAlertSubjectHeaderSafe(t *testing.T) {
	s := testSet(t, "Acme")
	const login = "bob\r\nBcc: evil@example.test\x00\x1b[2J"
	alerts := map[string]any{
		"admin_alert":   struct{ Event, Login, ID, Time string }{"reset", login, "id-1", "2026-11-30 08:00 UTC"},
		"refused_alert": struct{ Kind, Login, ID, Time string }{"unlock", login, "id-1", "2026-11-30 08:00 UTC"},
		"capped_alert": struct {
			Login, ID, Time string
			Cap             int
		}{login, "id-1", "2026-11-30 08:00 UTC", 3},
	}
	for name, data := range alerts {
		for _, lang := range shipped {
			subject, _, _, err := s.RenderEmail(name, lang, data)
			if err != nil {
				t.Fatal(err)
			}
			if strings.ContainsAny(subject, "\r\n\x00\x1b") || !strings.Contains(subject, "Bcc: evil@example.test") {
				t.Errorf("%s, %s: subject %q: want the login on one line, control characters replaced", name, lang, subject)
			}
		}
	}
}

// TestRefusedAndCappedAlerts: the alerts for a refused request and for the
// unlock cap say, in every language, which account, which request and when,
// and carry the account's ID, in the text and the HTML part.
func TestRefusedAndCappedAlerts(t *testing.T) {
	s := testSet(t, "Acme")
	type refused struct{ Kind, Login, ID, Time string }
	type capped struct {
		Login, ID, Time string
		Cap             int
	}
	for _, lang := range shipped {
		for _, tc := range []struct {
			name, differs string // differs: the message only this case shows
			data          any
		}{
			{"refused_alert", "email.refused_alert.reset", refused{"reset", "jdoe", "uuid-42", "30 Nov 2026 08:00 UTC"}},
			{"refused_alert", "email.refused_alert.unlock", refused{"unlock", "jdoe", "uuid-42", "30 Nov 2026 08:00 UTC"}},
			{"capped_alert", "email.capped_alert.capped", capped{"jdoe", "uuid-42", "30 Nov 2026 08:00 UTC", 7}},
		} {
			_, text, html, err := s.RenderEmail(tc.name, lang, tc.data)
			if err != nil {
				t.Fatalf("%s %s: %v", lang, tc.name, err)
			}
			for _, part := range []string{text, html} {
				for _, want := range []string{"jdoe", "uuid-42", "30 Nov 2026 08:00 UTC"} {
					if !strings.Contains(part, want) {
						t.Errorf("%s %s (%s): %q missing from:\n%s", lang, tc.name, tc.differs, want, part)
					}
				}
			}
			if _, ok := tc.data.(capped); ok && !strings.Contains(text, "7") {
				t.Errorf("%s: the cap is not in the alert:\n%s", lang, text)
			}
			if lang.String() == "en" {
				reset, unlock := strings.Contains(text, "reset the password"), strings.Contains(text, "unlock the account")
				if tc.differs == "email.refused_alert.reset" && (!reset || unlock) || tc.differs == "email.refused_alert.unlock" && (reset || !unlock) {
					t.Errorf("%s: the alert names the wrong request:\n%s", tc.differs, text)
				}
			}
		}
	}
}

// TestBlockedNotice: the notice of a block by wrong answers names the
// account and the time, says the password did not change, and gives the
// helpdesk's address when there is one, in every language.
func TestBlockedNotice(t *testing.T) {
	s := testSet(t, "Acme")
	type notice struct{ Login, Time, Contact, Address string }
	for _, lang := range shipped {
		for _, contact := range []string{"", "helpdesk@example.test"} {
			subject, text, html, err := s.RenderEmail("blocked_notice", lang, notice{"jdoe", "30 Nov 2026 08:00 UTC", contact, ""})
			if err != nil {
				t.Fatalf("%s: %v", lang, err)
			}
			for _, part := range []string{text, html} {
				for _, want := range []string{"jdoe", "30 Nov 2026 08:00 UTC", contact} {
					if !strings.Contains(part, want) {
						t.Errorf("%s, contact %q: %q missing from:\n%s", lang, contact, want, part)
					}
				}
			}
			if lang.String() == "en" && (subject != "Self-service for your account is blocked for 24 hours" || !strings.Contains(text, "Your password did not change.")) {
				t.Errorf("subject %q, text:\n%s", subject, text)
			}
			if want := "contact your administrator."; lang.String() == "en" && contact == "" && !strings.Contains(text, want) {
				t.Errorf("without a helpdesk address, the notice lacks %q:\n%s", want, text)
			}
		}
	}
}

// TestNoticesTellTheAddress: the notices to an account's owner say which
// network address the reset, unlock or change came from (the last wrong
// answer's, for a block), in every language, and say nothing of it when
// the address is not known.
func TestNoticesTellTheAddress(t *testing.T) {
	s := testSet(t, "Acme")
	type notice struct{ Login, Time, Contact, Address string }
	for _, lang := range shipped {
		for _, name := range []string{"reset_done", "unlock_done", "change_done", "blocked_notice"} {
			for _, addr := range []string{"203.0.113.7", "2001:db8::7", ""} {
				_, text, html, err := s.RenderEmail(name, lang, notice{"jdoe", "30 Nov 2026 08:00 UTC", "", addr})
				if err != nil {
					t.Fatalf("%s %s: %v", lang, name, err)
				}
				for _, part := range []string{text, html} {
					if addr != "" && !strings.Contains(part, addr) {
						t.Errorf("%s %s: the address %s is missing from:\n%s", lang, name, addr, part)
					}
					if addr == "" && strings.Contains(part, "network address") {
						t.Errorf("%s %s: an unknown address is still spoken of:\n%s", lang, name, part)
					}
				}
				if lang.String() == "en" && addr != "" {
					want := "This was done from the network address " + addr + "."
					if name == "blocked_notice" {
						want = "The last wrong answer came from the network address " + addr + "."
					}
					if !strings.Contains(text, want) {
						t.Errorf("%s: %q missing from:\n%s", name, want, text)
					}
				}
			}
		}
	}
}
