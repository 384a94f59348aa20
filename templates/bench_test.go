package templates

import (
	"io"
	"testing"

	"golang.org/x/text/language"
)

// BenchmarkRender renders the new-password step, in English and German, as
// a request does (the language switcher included).
func BenchmarkRender(b *testing.B) {
	s := testSet(b, "Acme")
	for _, lang := range []language.Tag{language.English, language.German} {
		b.Run(lang.String(), func(b *testing.B) {
			v := View{Lang: lang, RequestID: "4bf92f3577b34da6a3ce929d0e0e4736", CSRFToken: "TOKEN",
				Data: samplePasswordPage, Here: "/.frontdoor/reset/step"}
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Render(io.Discard, "reset_password", v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
