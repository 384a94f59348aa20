package templates

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

func TestNegotiate(t *testing.T) {
	s := testSet(t, "")
	tests := []struct {
		accept string
		want   language.Tag
	}{
		{"", language.English},
		{"fr", language.French},
		{"en", language.English},
		{"fr-FR", language.French},
		{"fr-CA,fr;q=0.9", language.French},
		{"fr-BE", language.French},
		{"en-GB", language.English},
		{"de", language.German},
		{"de-CH,de;q=0.9", language.German},
		{"es-MX", language.Spanish},
		{"es-419,es;q=0.9", language.Spanish},
		{"ar-EG", language.Arabic},
		{"it,fr;q=0.5", language.French},
		{"it,fr;q=0.5,en;q=0.7", language.English},
		{"en;q=0.2,fr;q=0.8", language.French},
		{"fr;q=0.2,en;q=0.8", language.English},
		{"fr;q=0,en;q=0.5", language.English},
		{"*", language.English},
		{"zz-invalid-@@", language.English},
		{"fr;q=abc", language.English},
		{"ja,zh;q=0.9", language.English},
		{"FR-ca", language.French},
	}
	for _, tt := range tests {
		if got := s.Negotiate(tt.accept); got != tt.want {
			t.Errorf("Negotiate(%q) = %s, want %s", tt.accept, got, tt.want)
		}
	}
}

func TestRenderLanguageOfRegionalTag(t *testing.T) {
	// A caller that passes a regional tag straight through gets the base
	// language's page, with a plain lang attribute.
	s := testSet(t, "")
	p := s.newPage(View{Lang: language.MustParse("fr-CA")})
	if p.Lang != "fr" {
		t.Errorf("lang = %q, want fr", p.Lang)
	}
	want := []language.Tag{language.English, language.Arabic, language.German, language.Spanish, language.French}
	if got := s.Languages(); !slices.Equal(got, want) {
		t.Errorf("Languages() = %v, want %v", got, want)
	}
}

func TestNegotiateLocale(t *testing.T) {
	s := testSet(t, "")
	tests := []struct {
		env  []string
		want language.Tag
	}{
		{[]string{"", "", "fr_FR.UTF-8"}, language.French},
		{[]string{"de_AT.UTF-8@euro", "", "fr_FR.UTF-8"}, language.German},
		{[]string{"", "es_ES.UTF-8", "fr_FR.UTF-8"}, language.Spanish},
		{[]string{"C.UTF-8"}, language.English},
		{[]string{"POSIX"}, language.English},
		{[]string{"", ""}, language.English},
	}
	for _, tt := range tests {
		if got := s.NegotiateLocale(tt.env...); got != tt.want {
			t.Errorf("NegotiateLocale(%q) = %s, want %s", tt.env, got, tt.want)
		}
	}
}

// localizer returns the localizer of the language at index i, built if
// need be.
func localizer(t *testing.T, s *Set, i int) *i18n.Localizer {
	t.Helper()
	loc, err := s.cat.langs[i].localizer()
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestLanguagesBuiltWhenAsked: after start only English's messages are
// kept; a page in French builds French alone, and reads French.
func TestLanguagesBuiltWhenAsked(t *testing.T) {
	s := testSet(t, "")
	for i, l := range s.cat.langs {
		if built := l.loc.Load() != nil; built != (i == 0) {
			t.Errorf("%s: built after start = %v, want %v (English alone)", l.tag, built, i == 0)
		}
	}
	// An English page with its language switcher, which names every language.
	var en, fr strings.Builder
	if err := s.Render(&en, "placeholder", View{Lang: language.English, Here: "/.frontdoor/reset"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(en.String(), "Deutsch") || !strings.Contains(en.String(), "lang=de") {
		t.Errorf("the English page has no switcher naming German:\n%s", en.String())
	}
	if err := s.Render(&fr, "placeholder", View{Lang: language.French}); err != nil {
		t.Fatal(err)
	}
	if en.String() == fr.String() || !strings.Contains(fr.String(), `lang="fr"`) {
		t.Errorf("the French page is not French:\n%s", fr.String())
	}
	for _, l := range s.cat.langs {
		want := l.tag == language.English || l.tag == language.French
		if built := l.loc.Load() != nil; built != want {
			t.Errorf("%s: built = %v after an English and a French page, want %v", l.tag, built, want)
		}
	}
}

// TestLanguageBuiltOnceUnderLoad: requests that ask for a language at once
// all read it, built once (run with -race).
func TestLanguageBuiltOnceUnderLoad(t *testing.T) {
	s := testSet(t, "")
	de := s.cat.langs[s.cat.index(language.German)]
	var wg sync.WaitGroup
	locs := make([]*i18n.Localizer, 8)
	for i := range locs {
		wg.Go(func() {
			var b strings.Builder
			if err := s.Render(&b, "placeholder", View{Lang: language.German}); err != nil || !strings.Contains(b.String(), `lang="de"`) {
				t.Errorf("German page: %v\n%s", err, b.String())
			}
			locs[i], _ = de.localizer()
		})
	}
	wg.Wait()
	for _, l := range locs[1:] {
		if l != locs[0] {
			t.Fatal("German was built more than once")
		}
	}
}
