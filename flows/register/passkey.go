package register

import (
	"errors"
	"net/http"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// maxCredential bounds the browser's answer to a registration.
const maxCredential = 8 << 10

// PasskeyStatus is the overview's passkey section.
type PasskeyStatus struct{ Count int }

// PasskeyPage is the data of "register_passkey": the creation options for
// passkey.js (data-passkey-create), JSON.
type PasskeyPage struct {
	Options string
	Error   string
}

// passkeyBegin starts a registration ceremony and shows the page that runs
// it in the browser.
func (f *Flow) passkeyBegin(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	opts, err := f.Methods.Passkey.BeginRegistration(r.Context(), u)
	if err != nil {
		return err
	}
	return f.scripted(w, r, fl, http.StatusOK, "register_passkey", PasskeyPage{Options: string(opts)})
}

// passkeyFinish checks the browser's answer and adds the passkey.
func (f *Flow) passkeyFinish(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	cred := r.PostFormValue("credential")
	if cred == "" || len(cred) > maxCredential {
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.passkey")
	}
	ch, err := f.Methods.Passkey.FinishRegistration(r.Context(), u, []byte(cred))
	switch {
	case errors.Is(err, ErrRefused):
		f.methodFailed(r, u, fl, "passkey", "refused")
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.passkey")
	case err != nil:
		return err
	}
	if err := f.methodChanged(r, u, fl, ch); err != nil {
		return err
	}
	return f.done(w, r, fl, []string{stepOverview, stepVerify}, "register.saved.passkey")
}
