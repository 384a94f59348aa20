package templates

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/language"
)

func TestLang(t *testing.T) {
	s := testSet(t, "")
	tests := []struct {
		name, query, cookie, accept string
		want                        language.Tag
		remember                    string // the cookie set; "" for none
	}{
		{"Accept-Language", "", "", "es-MX,es;q=0.9", language.Spanish, ""},
		{"switcher", "lang=de", "", "fr", language.German, "de"},
		{"switcher with a region", "lang=ar-EG", "", "", language.Arabic, "ar"},
		{"switcher beats the cookie", "lang=fr", "es", "de", language.French, "fr"},
		{"cookie beats Accept-Language", "", "ar", "de", language.Arabic, ""},
		{"unsupported choice is ignored", "lang=it", "", "de", language.German, ""},
		{"malformed choice is ignored", "lang=%3Cscript%3E", "", "es", language.Spanish, ""},
		{"malformed cookie is ignored", "", "@@", "fr", language.French, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/.frontdoor/reset?"+tt.query, nil)
			if tt.cookie != "" {
				r.AddCookie(&http.Cookie{Name: LangCookie, Value: tt.cookie})
			}
			r.Header.Set("Accept-Language", tt.accept)
			if got := s.Lang(r); got != tt.want {
				t.Errorf("Lang = %s, want %s", got, tt.want)
			}
			c := s.LangCookie(r)
			switch {
			case tt.remember == "" && c != nil:
				t.Errorf("cookie %v set without a choice", c)
			case tt.remember != "" && (c == nil || c.Value != tt.remember || c.Path != "/.frontdoor/" || !c.HttpOnly || c.MaxAge <= 0):
				t.Errorf("cookie %v, want %s=%s under /.frontdoor/", c, LangCookie, tt.remember)
			}
		})
	}
}

func TestLanguageSwitcher(t *testing.T) {
	s := testSet(t, "")
	page := renderData(t, s, "placeholder", language.German, nil)
	if strings.Contains(page, `class="languages"`) {
		t.Error("a page with no address to come back to shows a switcher")
	}
	var b strings.Builder
	if err := s.Render(&b, "placeholder", View{Lang: language.German, Here: "/.frontdoor/reset/step"}); err != nil {
		t.Fatal(err)
	}
	page = b.String()
	for _, want := range []string{
		`<nav class="languages" aria-label="Sprache">`,
		`<span lang="de" aria-current="true">Deutsch</span>`,
		`<a href="/.frontdoor/reset/step?lang=es" lang="es" hreflang="es">Español</a>`,
		`<a href="/.frontdoor/reset/step?lang=ar" lang="ar" hreflang="ar">العربية</a>`,
		`<a href="/.frontdoor/reset/step?lang=fr" lang="fr" hreflang="fr">Français</a>`,
		`<a href="/.frontdoor/reset/step?lang=en" lang="en" hreflang="en">English</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the switcher lacks %s", want)
		}
	}
}

// Arabic pages are laid out right to left: the attributes on the root, and
// a stylesheet with no physical left or right that dir="rtl" could not flip.
func TestRightToLeft(t *testing.T) {
	s := testSet(t, "Acme")
	for _, tt := range []struct {
		lang language.Tag
		want string
	}{
		{language.Arabic, `<html lang="ar" dir="rtl">`},
		{language.MustParse("ar-SA"), `<html lang="ar" dir="rtl">`},
		{language.German, `<html lang="de" dir="ltr">`},
	} {
		if page := renderData(t, s, "reset_password", tt.lang, samplePasswordPage); !strings.Contains(page, tt.want) {
			t.Errorf("%s page lacks %s", tt.lang, tt.want)
		}
	}
	if got := s.Dir(language.Arabic); got != "rtl" {
		t.Errorf("Dir(ar) = %q", got)
	}
	css, err := embedded.ReadFile("files/static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	physical := regexp.MustCompile(`(?m)^[^/*]*(\b(left|right|float)\s*:|text-align:\s*(left|right)\b)`)
	if m := physical.FindAllString(string(css), -1); len(m) > 0 {
		t.Errorf("style.css uses physical directions, which do not flip for right-to-left pages: %q", m)
	}
}
