package unlock

import (
	"net/http"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/returnto"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// Steps of the flow after the gates.
const (
	stepConfirm   = "confirm"
	stepUnlocking = "unlocking" // claimed by the one request that unlocks
	stepDone      = "done"
)

// Verdicts of the unlock flow, beside package gate's.
const (
	// outcomeAdminLock: an administrator locked the account.
	outcomeAdminLock = "admin_lock"
	// outcomeCapped: the account was unlocked too often today.
	outcomeCapped = "capped"
)

// capWindow is the period of unlock.daily_cap.
const capWindow = 24 * time.Hour

// Deps are the parts the flow works with.
type Deps struct {
	gate.Deps // its Directory must also be an idp.Unlocker
	// Unlocked tells the user (and, for a privileged account, the admins)
	// that the account was unlocked; it must not block on the mail server.
	Unlocked func(r *http.Request, u idp.User)
	// Capped, when set, is told of each unlock of u that the daily cap
	// refused, for the helpdesk's alert: an account that keeps getting
	// locked may be under a password-guessing attack.
	Capped func(r *http.Request, u idp.User)
}

// Options are the flow's settings.
type Options struct {
	Unlock config.Unlock
	// Reset supplies the settings the gates share with the reset flow:
	// disclosure, methods required and accounts managed elsewhere.
	Reset     config.Reset
	PublicURL string
	Prefix    string
	// SignIn says which sign-in pages can be returned to, and the fallback.
	SignIn returnto.Targets
	// Captcha is false only when the configuration allows no CAPTCHA (tests).
	Captcha bool
	// CaptchaLength is the number of digits to type (captcha.length; 0: the default).
	CaptchaLength int
	// IdentifyFloor is the least time identify takes (see gate.Options).
	IdentifyFloor time.Duration
}

// Flow serves the unlock pages.
type Flow struct {
	Deps
	gate *gate.Gate
	opt  Options
}

// New returns the flow.
func New(opt Options, d Deps) *Flow {
	if opt.Unlock.DailyCap <= 0 {
		opt.Unlock.DailyCap = 3
	}
	f := &Flow{Deps: d, opt: opt}
	rc := opt.Reset
	f.gate = gate.New(gate.Options{
		Kind: store.KindUnlock, After: stepConfirm, PublicURL: opt.PublicURL, Prefix: opt.Prefix, SignIn: opt.SignIn,
		Captcha: opt.Captcha, CaptchaLength: opt.CaptchaLength, IdentifyFloor: opt.IdentifyFloor, Render: f.renderStep, Verdict: verdict,
		Policy: gate.Policy{Enabled: opt.Unlock.Enabled, Groups: opt.Unlock.Groups, Disclosure: rc.Disclosure,
			MethodsRequired: rc.MethodsRequired, ManagedElsewhere: rc.ManagedElsewhere},
	}, d.Deps)
	return f
}

// Register mounts the flow's routes on mux, under the prefix.
func (f *Flow) Register(mux *http.ServeMux) {
	f.gate.Register(mux)
	mux.Handle("POST "+f.opt.Prefix+"unlock/confirm", f.Pages.Handle(gate.LimitForm(f.confirm)))
}

// verdict sends an administratively locked account to the administrator
// before any code goes out.
func verdict(u idp.User) string {
	if u.PermanentlyLocked {
		return outcomeAdminLock
	}
	return ""
}
