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

// TestAlertSubjectHeaderSafe (I-5): the admin alert's subject holds the
// directory's login; a login with CR, LF or other control characters does
// not break out of the Subject header, in any language.
func TestAlertSubjectHeaderSafe(t *testing.T) {
	s := testSet(t, "Acme")
	data := struct{ Event, Login, ID, Time string }{"reset", "bob\r\nBcc: evil@example.test\x00\x1b[2J", "id-1", "2026-11-30 08:00 UTC"}
	for _, lang := range shipped {
		subject, _, _, err := s.RenderEmail("admin_alert", lang, data)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(subject, "\r\n\x00\x1b") || !strings.Contains(subject, "Bcc: evil@example.test") {
			t.Errorf("%s: subject %q: want the login on one line, control characters replaced", lang, subject)
		}
	}
}
