package templates

import (
	"slices"
	"testing"

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
