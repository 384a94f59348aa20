package reset

import (
	"net/http"

	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/policy"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
)

// PasswordPage is the data of the reset_password page.
type PasswordPage struct {
	Form templates.Form
	// Rules are the password rules, Reasons why the last one was refused;
	// the page words them from the message catalogues.
	Rules   []policy.Rule
	Reasons []policy.Reason
}

// renderStep shows the steps after the gates (a gate.Renderer).
func (f *Flow) renderStep(w http.ResponseWriter, r *http.Request, fl store.Flow, s *gate.State, step string, status int, msg string) bool {
	switch step {
	case stepPassword, stepWriting:
		f.renderPassword(w, r, fl, s, status, msg, nil)
	case stepDone:
		f.gate.Show(w, r, fl, status, "reset_done", f.gate.End(s, "reset.done.message"))
	default:
		return false
	}
	return true
}

func (f *Flow) renderPassword(w http.ResponseWriter, r *http.Request, fl store.Flow, s *gate.State, status int, msg string, reasons []policy.Reason) {
	d := PasswordPage{Rules: f.Policy.Rules(), Reasons: reasons, Form: templates.Form{Action: "reset/password", Submit: "reset.password.submit", Error: msg, Cancel: f.gate.Back(s),
		Fields: []templates.Field{
			{Name: "password", Type: "password", Label: "reset.password.new", Autocomplete: "new-password", Required: true, Autofocus: true},
			{Name: "confirm", Type: "password", Label: "reset.password.confirm", Autocomplete: "new-password", Required: true},
		}}}
	f.gate.Show(w, r, fl, status, "reset_password", d)
}
