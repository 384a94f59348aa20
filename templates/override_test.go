package templates

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/language"
)

// writeDir makes an override directory holding files.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func render(t *testing.T, s *Set, page string, lang language.Tag) string {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Render(&buf, page, View{Lang: lang, RequestID: "rid"}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestOverridePage(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"pages/placeholder.html": `{{define "title"}}Custom title{{end}}{{define "content"}}<p>Call 555-0100.</p>{{end}}`,
		".git/config":            "ignored, hidden",
		".hidden.html":           "ignored, hidden",
	})
	s, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	got := render(t, s, "placeholder", language.English)
	if !strings.Contains(got, "<p>Call 555-0100.</p>") || !strings.Contains(got, "<h1>Custom title</h1>") {
		t.Errorf("the override page was not used:\n%s", got)
	}
	if !strings.Contains(got, "Skip to main content") {
		t.Error("the embedded layout was lost")
	}
	if other := render(t, s, "not_configured", language.English); !strings.Contains(other, "Self-service is not set up yet") {
		t.Error("another page changed although only placeholder was overridden")
	}
}

func TestOverrideCSS(t *testing.T) {
	embeddedSet, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	css := "body { background: #123456; }\n"
	dir := writeDir(t, map[string]string{"static/style.css": css, "static/logo.png": "\x89PNG"})
	s, err := New(Options{Dir: dir, Prefix: "/sspr/"})
	if err != nil {
		t.Fatal(err)
	}
	oldURL, _ := embeddedSet.static.url("style.css")
	newURL, _ := s.static.url("style.css")
	if oldURL == newURL || !strings.HasPrefix(newURL, "/sspr/static/style.") {
		t.Fatalf("stylesheet URL %q did not change with its content (embedded %q)", newURL, oldURL)
	}
	if page := render(t, s, "placeholder", language.English); !strings.Contains(page, `href="`+newURL+`"`) {
		t.Errorf("the page does not link to %s", newURL)
	}
	body, hdr := get(t, s, newURL)
	if body != css || hdr.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("served %q as %q, want the override", body, hdr.Get("Content-Type"))
	}
	if _, err := s.static.url("logo.png"); err != nil {
		t.Errorf("an added static file is not served: %v", err)
	}
}

func TestOverrideCatalog(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"locales/fr.toml": "[placeholder]\ntitle = \"Retrouver votre compte Acme\"\n",
		"locales/it.toml": "[placeholder]\ntitle = \"Torni al suo account\"\n",
	})
	s, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	fr := render(t, s, "placeholder", language.French)
	if !strings.Contains(fr, "<h1>Retrouver votre compte Acme</h1>") {
		t.Error("the operator's French message was not used")
	}
	if !strings.Contains(fr, "Contacter votre administrateur") {
		t.Error("the embedded French messages the operator did not redefine were lost")
	}
	if got := s.Negotiate("it-CH,it;q=0.9"); got != language.Italian {
		t.Errorf("Negotiate(it-CH) = %s after adding locales/it.toml, want it", got)
	}
	it := render(t, s, "placeholder", language.Italian)
	if !strings.Contains(it, `lang="it"`) || !strings.Contains(it, "Torni al suo account") || !strings.Contains(it, "Contact your administrator") {
		t.Errorf("a new language should use its messages and fall back to English:\n%s", it)
	}
}

func TestOverrideEmail(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"emails/code.txt": `{{define "content"}}Code: {{.Data.Code}}{{end}}`,
		"locales/en.toml": "[email.code]\nsubject = \"Code for {{.Data.Who}}\"\n",
	})
	s, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	subject, text, html, err := s.RenderEmail("code", language.English, map[string]any{
		"Code": "<b>1234</b>", "Minutes": 5, "Who": "eve\r\nBcc: attacker@example.test",
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(subject, "\r\n") || subject != "Code for eve Bcc: attacker@example.test" {
		t.Errorf("subject %q is not safe for a header", subject)
	}
	if !strings.HasPrefix(text, "Code: <b>1234</b>") {
		t.Errorf("text body = %q, want the override with the raw code", text)
	}
	if !strings.Contains(html, "&lt;b&gt;1234&lt;/b&gt;") || strings.Contains(html, "<b>1234") {
		t.Error("the HTML body does not escape the data")
	}
}

func TestOverrideErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // in the error text
	}{
		{"template syntax", map[string]string{"pages/error.html": `{{define "title"}}{{.T "error.back"{{end}}`},
			[]string{"pages/error.html"}},
		{"missing block", map[string]string{"pages/error.html": `{{define "title"}}x{{end}}`},
			[]string{"pages/error.html", `"content"`}},
		{"unknown message", map[string]string{"pages/placeholder.html": `{{define "title"}}{{.T "placeholder.titel"}}{{end}}{{define "content"}}{{end}}`},
			[]string{"pages/placeholder.html", "placeholder.titel"}},
		{"unknown helper", map[string]string{"pages/placeholder.html": `{{define "title"}}{{.Nope}}{{end}}{{define "content"}}{{end}}`},
			[]string{"pages/placeholder.html", "Nope"}},
		{"missing static file", map[string]string{"pages/_layout.html": `{{define "layout"}}{{.Static "logo.svg"}}{{end}}`},
			[]string{"pages/_layout.html", "logo.svg"}},
		{"unknown page", map[string]string{"pages/placehodler.html": `x`},
			[]string{"pages/placehodler.html", "no embedded"}},
		{"stray file", map[string]string{"README.md": `x`},
			[]string{"README.md"}},
		{"static type", map[string]string{"static/app.js": `alert(1)`},
			[]string{"static/app.js"}},
		{"bad TOML", map[string]string{"locales/fr.toml": "[placeholder\ntitle = 1"},
			[]string{"locales/fr.toml"}},
		{"message typo in translation", map[string]string{"locales/fr.toml": "[placeholder]\ntitel = \"x\"\n"},
			[]string{"locales/fr.toml", "placeholder.titel"}},
		{"message template syntax", map[string]string{"locales/en.toml": "[error]\nstatus = \"Error {{.Status\"\n"},
			[]string{"locales/en.toml", "error.status"}},
		{"language name", map[string]string{"locales/french.toml": "[x]\ny = \"z\"\n"},
			[]string{"locales/french.toml"}},
		{"language without plural rules", map[string]string{"locales/tlh.toml": "[placeholder]\ntitle = \"x\"\n"},
			[]string{"locales/tlh.toml", "plural"}},
		{"email half", map[string]string{"emails/_layout.txt": `{{define "layout"}}{{.T "email.nope"}}{{end}}`},
			[]string{"emails/_layout.txt", "email.nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, tt.files)
			_, err := New(Options{Dir: dir})
			if err == nil {
				t.Fatal("New accepted a broken override")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name the file with its full path under %s", err, dir)
			}
			unknown := tt.name == "unknown page" || tt.name == "stray file" || tt.name == "static type" || tt.name == "language name"
			if unknown != errors.Is(err, errUnknownFile) {
				t.Errorf("errors.Is(%v, errUnknownFile) = %v, want %v", err, !unknown, unknown)
			}
		})
	}
}

func TestOverrideDirMissing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	if _, err := New(Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("New with a missing directory: %v", err)
	}
}

func TestOverrideSymlink(t *testing.T) {
	// A Kubernetes ConfigMap mounts files as links into a hidden directory.
	dir := writeDir(t, map[string]string{
		"..data/style.css": "main { color: #000; }\n",
	})
	if err := os.MkdirAll(filepath.Join(dir, "static"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "..data", "style.css"), filepath.Join(dir, "static", "style.css")); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := s.static.url("style.css")
	if body, _ := get(t, s, u); body != "main { color: #000; }\n" {
		t.Errorf("served %q, want the linked file", body)
	}
}

func TestBadPrefix(t *testing.T) {
	if _, err := New(Options{Prefix: "frontdoor"}); err == nil {
		t.Error("a prefix without slashes was accepted")
	}
}
