package register

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
)

// AppCodePage is the data of "register_app_code": the QR code and the key
// of a new authenticator app (only on the page that began it), and the
// form of its first code.
type AppCodePage struct {
	// QR is the QR code as a data: URL (server-rendered PNG); empty when
	// the page is shown again after a wrong code.
	QR template.URL
	// Key is the key as text, in groups of four; empty with QR.
	Key  string
	Form templates.Form
}

// appCodeBegin makes a new key and shows it; it counts only once a code
// from the app confirms it.
func (f *Flow) appCodeBegin(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	qr, key, err := f.Methods.AppCode.Begin(r.Context(), u)
	if err != nil {
		return err
	}
	// The page holds the key: the pages' Cache-Control: no-store keeps it
	// out of caches.
	return f.page(w, r, fl, http.StatusOK, "register_app_code", AppCodePage{
		QR: template.URL(qr), Key: key, Form: appCodeForm("")})
}

// appCodeConfirm checks the first code of the key being set up.
func (f *Flow) appCodeConfirm(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	ch, err := f.Methods.AppCode.Confirm(r.Context(), u, r.PostFormValue("code"))
	switch {
	case errors.Is(err, methods.ErrMismatch):
		f.methodFailed(r, u, fl, "app_code", "mismatch")
		return f.page(w, r, fl, http.StatusUnprocessableEntity, "register_app_code", AppCodePage{Form: appCodeForm("reset.error.code")})
	case errors.Is(err, ErrTooManyCodes):
		f.methodFailed(r, u, fl, "app_code", "too_many")
		return f.render(w, r, u, fl, s, http.StatusTooManyRequests, "register.error.app_code_too_many")
	case errors.Is(err, ErrNoPending):
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.app_code_expired")
	case err != nil:
		return err
	}
	if err := f.methodChanged(r, u, fl, ch); err != nil {
		return err
	}
	return f.done(w, r, fl, []string{stepOverview, stepVerify}, "register.saved.app_code")
}

func appCodeForm(msg string) templates.Form {
	return templates.Form{Action: "register/app_code", Submit: "register.app_code.confirm", Error: msg, Fields: []templates.Field{{
		Name: "code", Label: "register.app_code.code", Hint: "register.app_code.code_hint", Type: "text",
		Autocomplete: "one-time-code", Required: true, Error: msg}}}
}
