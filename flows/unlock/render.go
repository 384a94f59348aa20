package unlock

import (
	"net/http"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
)

// ConfirmPage is the data of the unlock_confirm page.
type ConfirmPage struct {
	Form templates.Form
	// Reset starts the reset flow instead, Back returns to the sign-in page.
	Reset, Back string
}

// renderStep shows the steps after the gates (a gate.Renderer).
func (f *Flow) renderStep(w http.ResponseWriter, r *http.Request, fl store.Flow, s *gate.State, step string, status int, msg string) bool {
	switch step {
	case stepConfirm, stepUnlocking:
		end := f.gate.End(s, "")
		f.gate.Show(w, r, fl, status, "unlock_confirm", ConfirmPage{Reset: end.Reset, Back: end.Back,
			Form: templates.Form{Action: "unlock/confirm", Submit: "unlock.confirm.submit", Error: msg, Cancel: end.Back}})
	case stepDone:
		msg := "unlock.done.generic"
		if f.gate.Disclosure() == config.DisclosureDescriptive && s.Outcome == doneNotLocked {
			msg = "unlock.done.not_locked"
		} else if f.gate.Disclosure() == config.DisclosureDescriptive {
			msg = "unlock.done.unlocked"
		}
		f.gate.Show(w, r, fl, status, "unlock_done", f.gate.End(s, msg))
	default:
		return false
	}
	return true
}
