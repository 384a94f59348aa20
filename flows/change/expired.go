package change

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
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
	wait := func() { time.Sleep(time.Until(floor)) } // before anything is written
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
		if o.msg == "change.error.old" || o.msg == "change.error.too_many" {
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
