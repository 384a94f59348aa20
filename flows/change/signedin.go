package change

import (
	"errors"
	"net/http"

	"github.com/frontdoor-sspr/frontdoor/flows/signin"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

func (f *Flow) showSignedIn(w http.ResponseWriter, r *http.Request) error {
	u, _, _ := f.Sessions.Current(r)
	f.renderSignedIn(w, r, u, outcome{status: http.StatusOK})
	return nil
}

// postSignedIn changes the signed-in user's password. The account is read
// again, so the change goes to the account as it is now.
func (f *Flow) postSignedIn(w http.ResponseWriter, r *http.Request) error {
	u, _, _ := f.Sessions.Current(r)
	if err := f.CSRF.Check(r, signin.Binding(u)); err != nil {
		return err
	}
	fresh, err := f.Directory.Lookup(r.Context(), u.Login)
	switch {
	case errors.Is(err, idp.ErrUnavailable):
		f.renderSignedIn(w, r, u, outcome{http.StatusServiceUnavailable, "reset.error.unavailable", nil})
		return nil
	case err != nil || fresh.ID != u.ID:
		f.Sessions.SignOut(w, r)
		return web.WithStatus(http.StatusConflict, errors.New("change: the signed-in account changed in the directory"))
	}
	ok, o := f.change(r, fresh, r.PostFormValue("old"), r.PostFormValue("password"), r.PostFormValue("confirm"))
	if !ok {
		f.renderSignedIn(w, r, u, o)
		return nil
	}
	f.done(w, r)
	return nil
}

func (f *Flow) renderSignedIn(w http.ResponseWriter, r *http.Request, u idp.User, o outcome) {
	d := Page{Login: u.Login, SignOut: "signout", Rules: f.Policy.Rules(), Reasons: o.reasons,
		Form: templates.Form{Action: "change", Submit: "change.submit", Error: o.msg, Fields: []templates.Field{
			{Name: "old", Type: "password", Label: "change.old", Autocomplete: "current-password", Required: true, Autofocus: true},
			{Name: "password", Type: "password", Label: "reset.password.new", Autocomplete: "new-password", Required: true},
			{Name: "confirm", Type: "password", Label: "reset.password.confirm", Autocomplete: "new-password", Required: true},
		}}}
	f.Pages.Render(w, r, o.status, "change_password", templates.View{CSRFToken: f.CSRF.Token(w, r, signin.Binding(u)), Data: d})
}
