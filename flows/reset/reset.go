package reset

import (
	"net/http"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/policy"
	"github.com/frontdoor-sspr/frontdoor/returnto"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// Steps of the flow after the gates (identify, method, verify, stopped are
// package gate's).
const (
	stepPassword = "password"
	stepWriting  = "writing" // claimed by the one request that writes
	stepDone     = "done"
)

// Deps are the parts the flow works with.
type Deps struct {
	gate.Deps
	Policy *policy.Policy
	// Confirm tells the user their password was reset (off the request path).
	Confirm func(r *http.Request, u idp.User)
}

// Options are the flow's settings.
type Options struct {
	Reset     config.Reset
	PublicURL string
	Prefix    string
	// SignIn says which sign-in pages can be returned to, and the fallback.
	SignIn returnto.Targets
	// Captcha is false only when the configuration allows no CAPTCHA (tests).
	Captcha bool
	// CaptchaLength is the number of digits to type (captcha.length; 0: the default).
	CaptchaLength int
	// IdentifyFloor is the least time identify takes, so that its duration does
	// not tell known accounts from unknown ones.
	IdentifyFloor time.Duration
}

// Flow serves the reset pages.
type Flow struct {
	Deps
	gate *gate.Gate
	opt  Options
}

// New returns the flow.
func New(opt Options, d Deps) *Flow {
	f := &Flow{Deps: d, opt: opt}
	rc := opt.Reset
	f.gate = gate.New(gate.Options{
		Kind: store.KindReset, After: stepPassword, PublicURL: opt.PublicURL, Prefix: opt.Prefix, SignIn: opt.SignIn,
		Captcha: opt.Captcha, CaptchaLength: opt.CaptchaLength, IdentifyFloor: opt.IdentifyFloor, Render: f.renderStep, Verdict: verdict,
		Policy: gate.Policy{Enabled: rc.Enabled, Groups: rc.Groups, Disclosure: rc.Disclosure,
			MethodsRequired: rc.MethodsRequired, ManagedElsewhere: rc.ManagedElsewhere},
	}, d.Deps)
	return f
}

// verdict sends an account under an administrator's permanent lock to the
// administrator: a reset must not lift that lock, and would not let the user
// in.
func verdict(u idp.User) string {
	if u.PermanentlyLocked {
		return gate.OutcomeContactAdmin
	}
	return ""
}

// Register mounts the flow's routes on mux, under the prefix.
func (f *Flow) Register(mux *http.ServeMux) {
	f.gate.Register(mux)
	mux.Handle("POST "+f.opt.Prefix+"reset/password", f.Pages.Handle(gate.LimitForm(f.password)))
}
