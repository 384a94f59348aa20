package change

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/policy"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// expiredBinding binds the expired form's CSRF token to the browser alone.
const expiredBinding = "change-expired"

func (f *Flow) showExpired(w http.ResponseWriter, r *http.Request) error {
	f.renderExpired(w, r, "", outcome{status: http.StatusOK})
	return nil
}

// postExpired changes the password of an account that must change it. An
// unknown user ID, an account that may sign in normally (it changes its
// password signed in) and a wrong current password all get the same answer.
func (f *Flow) postExpired(w http.ResponseWriter, r *http.Request) error {
	if err := f.CSRF.Check(r, expiredBinding); err != nil {
		return err
	}
	ctx := r.Context()
	floor := time.Now().Add(f.opt.ExpiredFloor)
	// Before anything is written; the sleep gives its place in
	// server.max_concurrent up meanwhile (web.Yield).
	wait := func() { web.Yield(ctx, func() { time.Sleep(time.Until(floor)) }) }
	login := strings.TrimSpace(r.PostFormValue("login"))
	if login == "" || len(login) > 256 {
		wait()
		f.renderExpired(w, r, login, outcome{http.StatusUnprocessableEntity, "reset.error.login", nil})
		return nil
	}
	if ok, _, _, err := f.Limits.Hit(ctx, "change:ip:"+f.ClientIP(r), ipWindow, ipMax); err != nil || !ok {
		wait()
		f.renderExpired(w, r, login, outcome{http.StatusTooManyRequests, "reset.error.too_many", nil})
		return nil
	}
	generic := outcome{http.StatusUnprocessableEntity, "change.error.expired_refused", nil}
	// What can be said about the form without the account is said to every
	// user ID alike, before the lookup: after it, any refusal but a success
	// is the generic one, so that the page never tells which accounts must
	// change their password.
	if o, ok := f.checkForm(r, login); !ok {
		wait()
		f.renderExpired(w, r, login, o)
		return nil
	}
	u, err := f.Directory.Lookup(ctx, login)
	switch {
	case errors.Is(err, idp.ErrUnavailable):
		wait()
		f.renderExpired(w, r, login, outcome{http.StatusServiceUnavailable, "reset.error.unavailable", nil})
		return nil
	case err != nil:
		f.record(r, store.Event{Type: EventChangeFailed, Outcome: "unknown_user"})
		wait()
		f.renderExpired(w, r, login, generic)
		return nil
	case !u.MustChange || u.Disabled || u.Expired:
		f.record(r, store.Event{Type: EventChangeFailed, User: u.ID, Outcome: "not_expired"})
		wait()
		f.renderExpired(w, r, login, generic)
		return nil
	}
	ok, o := f.change(r, u, r.PostFormValue("old"), r.PostFormValue("password"), r.PostFormValue("confirm"))
	if !ok {
		// Only the directory being down may be told apart; a refusal by the
		// account's own context (its name in the password) or the directory's
		// policy would tell that the account must change its password.
		if o.status != http.StatusServiceUnavailable {
			o = generic
		}
		wait()
		f.renderExpired(w, r, login, o)
		return nil
	}
	wait()
	f.done(w, r)
	return nil
}

// checkForm checks what does not depend on the account: the two new
// passwords match, a current password is given, and the new one passes the
// policy with only the typed user ID as context.
func (f *Flow) checkForm(r *http.Request, login string) (outcome, bool) {
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("confirm") {
		return outcome{http.StatusUnprocessableEntity, "reset.error.confirm", nil}, false
	}
	if r.PostFormValue("old") == "" {
		return outcome{http.StatusUnprocessableEntity, "change.error.old_required", nil}, false
	}
	verdict, err := f.Policy.Check(r.Context(), pw, policy.Context{Username: login})
	if err != nil {
		web.Logger(r.Context()).Warn("breached-password source failed; the other rules applied", "err", err)
	}
	if !verdict.OK {
		return outcome{http.StatusUnprocessableEntity, "", verdict.Reasons}, false
	}
	return outcome{}, true
}

func (f *Flow) renderExpired(w http.ResponseWriter, r *http.Request, login string, o outcome) {
	d := Page{Rules: f.Policy.Rules(), Reasons: o.reasons, Back: f.opt.PublicURL + "/",
		Form: templates.Form{Action: "change/expired", Submit: "change.submit", Error: o.msg, Fields: []templates.Field{
			{Name: "login", Label: "reset.identify.login", Autocomplete: "username", Required: true, Autofocus: true, Value: login},
			{Name: "old", Type: "password", Label: "change.old", Autocomplete: "current-password", Required: true},
			{Name: "password", Type: "password", Label: "reset.password.new", Autocomplete: "new-password", Required: true},
			{Name: "confirm", Type: "password", Label: "reset.password.confirm", Autocomplete: "new-password", Required: true},
		}}}
	f.Pages.Render(w, r, o.status, "change_expired", templates.View{CSRFToken: f.CSRF.Token(w, r, expiredBinding), Data: d})
}
