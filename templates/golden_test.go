package templates

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// demoForm is a page that uses the form block the way flow pages will.
const demoForm = `{{define "title"}}{{.T "placeholder.title"}}{{end}}
{{define "content"}}{{template "form" .With .Data}}{{end}}
`

// sampleForm has a form-level error, a field with a hint and an error, and a
// password field whose value must never be written back.
var sampleForm = Form{
	Action: "reset", Submit: "layout.contact_admin", Error: "error.bad_request.message",
	Fields: []Field{
		{Name: "login", Label: "error.request_id", Hint: "error.request_id_help", Error: "error.bad_request.title",
			Value: `{{7*7}}"><img src=x onerror=alert(1)>`, Autocomplete: "username", Required: true, Autofocus: true},
		{Name: "password", Type: "password", Label: "form.required", Value: "hunter2-secret", Autocomplete: "new-password"},
	},
}

// withPages returns the embedded files plus extra ones, as a base for newSet.
func withPages(t testing.TB, extra map[string]string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(embedded, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(embedded, p)
		m[strings.TrimPrefix(p, "files/")] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range extra {
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

func testSet(t testing.TB, org string) *Set {
	t.Helper()
	s, err := newSet(withPages(t, map[string]string{"pages/demo_form.html": demoForm}), Options{Organization: org})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type pageCase struct {
	name, page, org string
	data            any
}

var pageCases = []pageCase{
	{"placeholder", "placeholder", "Acme", Notice{Back: "/login?client=app&x=1"}},
	{"placeholder_noorg", "placeholder", "", nil},
	{"not_configured", "not_configured", "", Notice{Back: "/login"}},
	{"error", "error", "Acme <Corp>", ErrorInfo{Status: 503, Title: "error.unavailable.title", Message: "error.unavailable.message", Back: "/"}},
	{"form", "demo_form", "Acme", sampleForm},
	{"reset_password", "reset_password", "Acme", samplePasswordPage},
	{"register", "register", "Acme", sampleRegister},
	{"audit_log", "audit_log", "Acme", sampleAuditLog},
	{"register_verify", "register_verify", "Acme", map[string]any{"Masked": "al***@home.test", "Text": false, "Error": "",
		"Form": Form{Action: "register/verify", Submit: "register.verify.submit", Fields: []Field{{Name: "code", Label: "reset.verify.code",
			Hint: "register.verify.code_hint_email", Autocomplete: "one-time-code", Required: true, Autofocus: true}}}}},
}

// sampleAuditLog is the audit log page with two events (the data of
// flows/report's Page, as a map), one of them carrying markup in its
// details, which must come out escaped.
var sampleAuditLog = map[string]any{
	"Login": "helpdesk1", "Error": "", "Truncated": true, "Max": 500, "SignOut": "signout",
	"Periods": []map[string]string{{"Value": "1h", "Label": "audit.period.hour"}, {"Value": "24h", "Label": "audit.period.day"}},
	"Query":   map[string]string{"Period": "24h", "Type": "", "User": ""},
	"Counts":  []map[string]any{{"Type": "password.reset", "Outcome": "ok", "N": 1}, {"Type": "flow.blocked", "Outcome": "rate_limited", "N": 1}},
	"Events": []map[string]any{
		{"Time": "2026-11-30 10:00:00 UTC", "Type": "password.reset", "Outcome": "ok", "User": "id:3f2a", "IP": "203.0.113.7",
			"Flow": "q3Xh0c1L", "RequestID": "9b2e4c0f6a1d4e7b8c3f5a2d1e0b9c8a", "Detail": []string{"methods=email", "user_agent=<script>alert(1)</script>"}},
		{"Time": "2026-11-30 09:59:00 UTC", "Type": "flow.blocked", "Outcome": "rate_limited", "User": "", "IP": "198.51.100.4",
			"Flow": "", "RequestID": "1c2d", "Detail": []string{"limit=identify_ip"}},
	},
}

// sampleRegister is the Security info page with something of each kind
// (the data of flows/register's Overview, as a map).
var sampleRegister = map[string]any{
	"Directory": []map[string]string{{"Label": "register.directory.email", "Masked": "al***@corp.test"}},
	"Emails":    []map[string]string{{"Label": "register.email.label", "Masked": "al***@home.test", "Ref": "3f2a9c1d0b7e6a54"}},
	"Mobile":    "+**********23", "Office": "", "CanEmail": true, "CanAddEmail": true, "CanMobile": true, "CanOffice": true,
	"ConfirmedAt": "2026-11-29", "Flash": "register.saved.email", "Error": "", "Continue": "https://sso.example.com/app?x=1&y=2",
	"AddEmail": Form{Action: "register/email", Submit: "register.email.add", Fields: []Field{{Name: "email", Type: "email",
		Label: "register.email.new", Hint: "register.email.hint", Autocomplete: "email", Required: true}}},
	"AddMobile": Form{Action: "register/mobile", Submit: "register.mobile.save", Fields: []Field{{Name: "mobile", Type: "tel",
		Label: "register.mobile.new", Hint: "register.phone.hint", Autocomplete: "tel", Required: true}}},
	"SetOffice": Form{Action: "register/office", Submit: "register.office.save", Fields: []Field{{Name: "office", Type: "tel",
		Label: "register.office.new", Hint: "register.office.hint", Autocomplete: "tel", Required: true}}},
}

func renderCase(t testing.TB, c pageCase, lang language.Tag) []byte {
	t.Helper()
	var buf bytes.Buffer
	err := testSet(t, c.org).Render(&buf, c.page, View{Lang: lang, RequestID: "4bf92f3577b34da6a3ce929d0e0e4736", CSRFToken: "TOKEN", Data: c.data,
		Here: "?return_to=%2Flogin%3Fclient%3Dapp"})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// shipped are the languages whose catalogs ship embedded.
var shipped = []language.Tag{language.English, language.French, language.German, language.Spanish, language.Arabic}

func TestPagesGolden(t *testing.T) {
	for _, c := range pageCases {
		for _, lang := range shipped {
			t.Run(c.name+"."+lang.String(), func(t *testing.T) {
				golden(t, c.name+"."+lang.String()+".golden", renderCase(t, c, lang))
			})
		}
	}
}

func TestEmailGolden(t *testing.T) {
	for _, org := range []string{"Acme", ""} {
		for _, lang := range shipped {
			name := "email_code." + lang.String()
			if org == "" {
				name = "email_code_noorg." + lang.String()
			}
			t.Run(name, func(t *testing.T) {
				s := testSet(t, org)
				subject, text, html, err := s.RenderEmail("code", lang, map[string]any{"Code": "04811329", "Minutes": 10})
				if err != nil {
					t.Fatal(err)
				}
				out := "From-Name: " + s.FromName(lang) + "\nSubject: " + subject + "\n\n--- text\n" + text + "\n--- html\n" + html
				golden(t, name+".golden", []byte(out))
			})
		}
	}
}

// staticHash matches content hashes in static URLs, which golden files hold
// as HASH so that a change to the stylesheet does not rewrite every page.
var staticHash = regexp.MustCompile(`(/static/[^".]+)\.[0-9a-f]{12}\.`)

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = staticHash.ReplaceAll(got, []byte("$1.HASH."))
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the rendered output (go test -update rewrites it); got:\n%s", path, got)
	}
}

func TestFormNeverEchoesPassword(t *testing.T) {
	out := string(renderCase(t, pageCases[4], language.English))
	if strings.Contains(out, "hunter2-secret") {
		t.Error("the password field's value is in the page")
	}
	if strings.Contains(out, "<img src=x") {
		t.Error("a field value reached the page unescaped")
	}
	if !strings.Contains(out, `name="csrf_token" value="TOKEN"`) {
		t.Error("the form has no CSRF field")
	}
}

func TestOrganizationEscaped(t *testing.T) {
	out := string(renderCase(t, pageCases[3], language.English))
	if strings.Contains(out, "Acme <Corp>") || !strings.Contains(out, "Acme &lt;Corp&gt;") {
		t.Error("the organisation name is not escaped")
	}
}

// Every message of the English catalog is in every shipped catalog, and
// each of them has no message English lacks: a message added in one
// language and forgotten in another fails here.
func TestCatalogsComplete(t *testing.T) {
	ids := func(name string) map[string]bool {
		b, err := fs.ReadFile(embedded, "files/locales/"+name)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := i18n.ParseMessageBytes(b, toml.Unmarshal)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		set := map[string]bool{}
		for _, m := range msgs {
			if strings.TrimSpace(m.Other) == "" {
				t.Errorf("%s: message %q is empty", name, m.ID)
			}
			set[m.ID] = true
		}
		return set
	}
	en := ids("en.toml")
	files, err := fs.Glob(embedded, "files/locales/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < len(shipped) {
		t.Errorf("%d catalogs ship, want at least %d (%v)", len(files), len(shipped), shipped)
	}
	for _, f := range files {
		name := path.Base(f)
		other := ids(name)
		for id := range en {
			if !other[id] {
				t.Errorf("%s lacks message %q", name, id)
			}
		}
		for id := range other {
			if !en[id] {
				t.Errorf("%s has message %q, which en.toml lacks", name, id)
			}
		}
	}
	s := testSet(t, "")
	for id := range s.cat.ids {
		for i, tag := range s.cat.tags {
			msg, err := localizer(t, s, i).Localize(&i18n.LocalizeConfig{MessageID: id})
			if err != nil || msg == "" {
				t.Errorf("%s has no message %q: %v", tag, id, err)
			}
		}
	}
}

// TestHelpdeskLinkOnce: a page never links to itself, and no page shows
// the helpdesk link twice.
func TestHelpdeskLinkOnce(t *testing.T) {
	set, err := New(Options{Organization: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]map[string]any{
		"helpdesk_form": {"MaxMessage": 2000, "CaptchaLength": 6}, "placeholder": nil, "reset_identify": {},
		"reset_stopped": {"Message": "reset.stopped.ok", "Back": "/"},
	}
	for name, want := range map[string]int{"helpdesk_form": 0, "placeholder": 1, "reset_identify": 1, "reset_stopped": 1} {
		var b strings.Builder
		if err := set.Render(&b, name, View{Lang: language.English, Data: data[name]}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(b.String(), `href="/.frontdoor/helpdesk"`); got != want {
			t.Errorf("%s links to the helpdesk %d times, want %d", name, got, want)
		}
	}
}
