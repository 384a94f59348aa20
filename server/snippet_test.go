package server

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/templates"
)

// The injected link is in the user's language and carries that language's
// direction, so that Arabic reads right to left inside a left-to-right
// sign-in page. No test servers needed.
func TestSnippetLanguage(t *testing.T) {
	set, err := templates.New(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	off := false
	s := &Server{cfg: &config.Config{Server: config.Server{Prefix: "/.frontdoor/"}, Upstream: config.Upstream{InjectUnlock: &off}},
		log: slog.New(slog.DiscardHandler), templates: set}
	tests := []struct{ accept, want string }{
		{"en-US", `<p class="frontdoor-links" lang="en" dir="ltr"><a class="frontdoor-link" href="/.frontdoor/reset?return_to=%2Flogin">Forgot my password</a></p>`},
		{"de-DE", `lang="de" dir="ltr"><a class="frontdoor-link" href="/.frontdoor/reset?return_to=%2Flogin">Passwort vergessen?</a>`},
		{"es-ES", `lang="es" dir="ltr"><a class="frontdoor-link" href="/.frontdoor/reset?return_to=%2Flogin">¿Olvidó su contraseña?</a>`},
		{"fr-CA", `lang="fr" dir="ltr"><a class="frontdoor-link" href="/.frontdoor/reset?return_to=%2Flogin">`},
		{"ar-SA,ar;q=0.9", `lang="ar" dir="rtl"><a class="frontdoor-link" href="/.frontdoor/reset?return_to=%2Flogin">هل نسيت كلمة المرور؟</a>`},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/login", nil)
		r.Header.Set("Accept-Language", tt.accept)
		if got := string(s.snippet(r, "/login")); !strings.Contains(got, tt.want) {
			t.Errorf("Accept-Language %s: snippet %s, want %s", tt.accept, got, tt.want)
		}
	}
}
