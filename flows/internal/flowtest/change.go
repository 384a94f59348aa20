package flowtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/change"
	"github.com/frontdoor-sspr/frontdoor/flows/report"
	"github.com/frontdoor-sspr/frontdoor/flows/required"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/session"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// Change mounts the change pages (signed in, and expired when expired is
// true) with a session manager on the Env's clock, which it returns; the
// confirmations go to Confirmed.
func (e *Env) Change(expired bool, maxAge time.Duration) *session.Manager {
	e.t.Helper()
	m, err := session.New(session.Options{Keys: [][]byte{[]byte(strings.Repeat("x", 32))}, Now: e.Clock.Now})
	if err != nil {
		e.t.Fatal(err)
	}
	change.New(change.Options{Prefix: Prefix, PublicURL: PublicURL, SignedIn: true, MaxAge: maxAge, Expired: expired, ExpiredFloor: time.Nanosecond},
		change.Deps{Sessions: m, Directory: e.Directory, Policy: e.Policy, Pages: e.pages, CSRF: e.csrf,
			Limits: e.Store.Limits(), ClientIP: ClientIP,
			Audit:   func(r *http.Request, ev store.Event) { e.audit.Record(r, ev) },
			Changed: e.keep(&e.confirmed)}).Register(e.Mux)
	return m
}

// SignIn gives the browser a session of m for u, who authenticated at authTime.
func (b *Browser) SignIn(m *session.Manager, u idp.User, authTime time.Time) {
	b.t.Helper()
	w := httptest.NewRecorder()
	if err := m.SignIn(w, httptest.NewRequest(http.MethodGet, "/", nil), session.Session{User: u, AuthTime: authTime}); err != nil {
		b.t.Fatal(err)
	}
	for _, c := range w.Result().Cookies() {
		b.SetCookie(c.Name, c.Value)
	}
}

// Required mounts the "More information required" page with the
// registration policy must, "remind me later" for later (0: not offered),
// and no IdP (a browser without a session goes on).
func (e *Env) Required(m *session.Manager, must func(context.Context, idp.User) bool, later time.Duration) {
	required.New(required.Options{Prefix: Prefix, PublicURL: PublicURL, Register: Prefix + "register", RemindLater: later},
		required.Deps{Sessions: m, MustRegister: must, Limits: e.Store.Limits(), Pages: e.pages, CSRF: e.csrf}).Register(e.Mux)
}

// Report mounts the audit log page for the members of readers, with a
// session manager of its own, which it returns.
func (e *Env) Report(readers ...string) *session.Manager {
	e.t.Helper()
	m, err := session.New(session.Options{Keys: [][]byte{[]byte(strings.Repeat("y", 32))}, Now: e.Clock.Now})
	if err != nil {
		e.t.Fatal(err)
	}
	report.New(report.Options{Prefix: Prefix, Readers: readers},
		report.Deps{Sessions: m, Directory: e.Directory, Events: e.Store.Audit(), Log: e.audit, Limits: e.Store.Limits(),
			Pages: e.pages, CSRF: e.csrf, Now: e.Clock.Now}).Register(e.Mux)
	return m
}
