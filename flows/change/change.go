package change

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/policy"
	"github.com/frontdoor-sspr/frontdoor/session"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Audit event types of this package.
const (
	EventChanged      = "password.changed"
	EventChangeFailed = "password.change_failed"
)

// Limits on wrong current passwords (per account) and on the expired form
// (per client address).
const (
	failWindow = time.Hour
	failMax    = 5
	ipWindow   = 10 * time.Minute
	ipMax      = 20
)

// Options configure the pages.
type Options struct {
	Prefix    string
	PublicURL string
	// SignedIn mounts the signed-in change (needs Sessions); MaxAge is how
	// recent its sign-in must be.
	SignedIn bool
	MaxAge   time.Duration
	// Expired mounts the change without signing in.
	Expired bool
	// ExpiredFloor is the least time a post of the expired form takes
	// (default 500 ms), so that an unknown user ID, which asks the directory
	// nothing more, does not answer faster than a wrong password.
	ExpiredFloor time.Duration
}

// Deps are what the pages use.
type Deps struct {
	Sessions  *session.Manager
	Directory idp.Directory
	Policy    *policy.Policy
	Pages     *web.Pages
	CSRF      *web.CSRF
	Limits    store.Limits
	ClientIP  func(*http.Request) string
	// Audit records events; nil records nothing.
	Audit func(*http.Request, store.Event)
	// Changed sends the confirmation to the account's addresses; nil sends none.
	Changed func(*http.Request, idp.User)
}

// Flow is the change pages.
type Flow struct {
	opt Options
	Deps
}

// New returns the pages.
func New(o Options, d Deps) *Flow {
	if o.ExpiredFloor == 0 {
		o.ExpiredFloor = 500 * time.Millisecond
	}
	return &Flow{opt: o, Deps: d}
}

// Register mounts change (signed in) and change/expired.
func (f *Flow) Register(mux *http.ServeMux) {
	p := f.opt.Prefix
	if f.opt.SignedIn {
		recent := f.Sessions.RequireRecent(f.opt.MaxAge, p+"signin")
		mux.Handle("GET "+p+"change", recent(f.Pages.Handle(f.showSignedIn)))
		mux.Handle("POST "+p+"change", recent(f.Pages.Handle(f.postSignedIn)))
	}
	if f.opt.Expired {
		mux.Handle("GET "+p+"change/expired", f.Pages.Handle(f.showExpired))
		mux.Handle("POST "+p+"change/expired", f.Pages.Handle(f.postExpired))
	}
}

// Page is the data of the change pages.
type Page struct {
	Form    templates.Form
	Rules   []policy.Rule
	Reasons []policy.Reason
	// Login is the signed-in account (empty on the expired form).
	Login string
	// SignOut is the sign-out form's action, on the signed-in page.
	SignOut string
	Back    string
}

// outcome of one change attempt, worded by the pages.
type outcome struct {
	status  int
	msg     string
	reasons []policy.Reason
}

// change checks pw and writes it as u, counting wrong current passwords.
func (f *Flow) change(r *http.Request, u idp.User, old, pw, confirm string) (done bool, o outcome) {
	ctx := r.Context()
	failKey := "change:fail:" + u.ID
	if n, err := f.Limits.Count(ctx, failKey, failWindow); err != nil {
		return false, outcome{http.StatusServiceUnavailable, "change.error.unavailable", nil}
	} else if n >= failMax {
		f.record(r, store.Event{Type: EventChangeFailed, User: u.ID, Outcome: "blocked"})
		return false, outcome{http.StatusTooManyRequests, "change.error.too_many", nil}
	}
	if pw != confirm {
		return false, outcome{http.StatusUnprocessableEntity, "reset.error.confirm", nil}
	}
	if old == "" {
		return false, outcome{http.StatusUnprocessableEntity, "change.error.old", nil}
	}
	verdict, err := f.Policy.Check(ctx, pw, policy.Context{Username: u.Login, GivenName: u.GivenName,
		Surname: u.Surname, DisplayName: u.DisplayName, Email: u.Email()})
	if err != nil {
		web.Logger(ctx).Warn("breached-password source failed; the other rules applied", "err", err)
	}
	if !verdict.OK {
		return false, outcome{http.StatusUnprocessableEntity, "", verdict.Reasons}
	}
	changer, ok := f.Directory.(idp.PasswordChanger)
	if !ok {
		return false, outcome{http.StatusBadGateway, "reset.error.write", nil}
	}
	werr := changer.ChangePassword(context.WithoutCancel(ctx), u, old, pw)
	if errors.Is(werr, idp.ErrUnavailable) && flows.PasswordLanded(ctx, f.Directory, u) {
		// The line broke before the answer came, but the account read back
		// has a new password: telling the user to retry would have them
		// type the old one, which no longer works.
		web.Logger(ctx).Warn("the answer to the password change was lost; the account read back shows it was carried out", "err", werr)
		werr = nil
	}
	if werr == nil {
		f.record(r, store.Event{Type: EventChanged, User: u.ID, Outcome: "ok"})
		_ = f.Limits.Reset(ctx, failKey)
		if f.Changed != nil {
			f.Changed(r, u)
		}
		return true, outcome{}
	}
	f.record(r, store.Event{Type: EventChangeFailed, User: u.ID, Outcome: kind(werr)})
	var pe *idp.PolicyError
	switch {
	case errors.Is(werr, idp.ErrBadPassword):
		_, _, _, _ = f.Limits.Hit(ctx, failKey, failWindow, failMax)
		return false, outcome{http.StatusUnprocessableEntity, "change.error.old", nil}
	case errors.As(werr, &pe):
		return false, outcome{http.StatusUnprocessableEntity, flows.DirectoryPolicyMessage(pe), nil}
	case errors.Is(werr, idp.ErrUnavailable):
		web.Logger(ctx).Error("directory unavailable at the change", "err", werr)
		return false, outcome{http.StatusServiceUnavailable, "reset.error.unavailable", nil}
	case errors.Is(werr, idp.ErrLocked):
		return false, outcome{http.StatusForbidden, "change.error.locked", nil}
	}
	web.Logger(ctx).Error("the directory refused the change", "err", werr)
	return false, outcome{http.StatusBadGateway, "reset.error.write", nil}
}

func (f *Flow) record(r *http.Request, e store.Event) {
	if f.Audit != nil {
		f.Audit(r, e)
	}
}

func kind(err error) string {
	var pe *idp.PolicyError
	switch {
	case errors.Is(err, idp.ErrBadPassword):
		return "bad_password"
	case errors.As(err, &pe):
		return "policy"
	case errors.Is(err, idp.ErrUnavailable):
		return "unavailable"
	case errors.Is(err, idp.ErrLocked):
		return "locked"
	}
	return "error"
}

// done shows the end page.
func (f *Flow) done(w http.ResponseWriter, r *http.Request) {
	f.Pages.Render(w, r, http.StatusOK, "change_done", templates.View{Data: templates.Notice{Back: f.opt.PublicURL + "/"}})
}
