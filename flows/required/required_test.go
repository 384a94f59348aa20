package required_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

func TestRequiredPage(t *testing.T) {
	e := flowtest.New(t)
	m := e.Change(false, 5*time.Minute)
	must := e.AddUser("alice")
	done := e.AddUser("bob")
	e.Required(m, func(_ context.Context, u idp.User) bool { return u.ID == must.ID }, 24*time.Hour)

	goesOn := func(name string, b *flowtest.Browser, path string, want string) {
		t.Helper()
		b.NoRedirects()
		p := b.Get(path)
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != want {
			t.Errorf("%s: %d to %q, want %q", name, p.Status, p.Header.Get("Location"), want)
		}
	}
	goesOn("no session", e.Browser(), "/.frontdoor/required?continue=%2Fapp%3Fx%3D1", "/app?x=1")
	b := e.Browser()
	b.SignIn(m, done, e.Clock.Now())
	goesOn("registered", b, "/.frontdoor/required?continue=%2Fapp", "/app")
	goesOn("off-site continue", b, "/.frontdoor/required?continue=https%3A%2F%2Fevil.example%2F", "/")

	b = e.Browser()
	b.SignIn(m, must, e.Clock.Now())
	p := b.Get("/.frontdoor/required?continue=%2Fapp")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "More information required") ||
		!strings.Contains(p.Body, `href="/.frontdoor/register?return_to=%2Fapp"`) || !p.HasForm("required") {
		t.Fatalf("required page: %d\n%s", p.Status, p.Body)
	}
	b.NoRedirects()
	p = b.Submit(p, "required", "continue", "/app")
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/app" {
		t.Fatalf("remind me later: %d to %q", p.Status, p.Header.Get("Location"))
	}
	goesOn("reminded later", b, "/.frontdoor/required?continue=%2Fapp", "/app")
}
