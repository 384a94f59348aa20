package reset

import (
	"net/http"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/captcha"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/policy"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Steps of the flow.
const (
	stepIdentify = "identify"
	stepMethod   = "method"
	stepVerify   = "verify"
	stepPassword = "password"
	stepWriting  = "writing" // claimed by the one request that writes
	stepDone     = "done"
	stepStopped  = "stopped" // a verdict or a block ends the flow
)

// Verdicts of identify; "" means the account may go on.
const (
	outcomeNotFound     = "not_found"
	outcomeNotEnabled   = "not_enabled"
	outcomeContactAdmin = "contact_admin"
	outcomeNoMethod     = "no_method"
	outcomeBlocked      = "blocked"
)

// Limits of the flow, as the reference sets them.
const (
	failWindow   = time.Hour
	failMax      = 5
	blockFor     = 24 * time.Hour
	identifyMax  = 30 // per client IP per identifyWindow
	identifyWind = 10 * time.Minute
	maxLoginLen  = 256
	maxFormBytes = 16 << 10
)

// state is what the flow keeps between requests.
type state struct {
	ReturnTo  string            `json:"return_to,omitempty"`
	Captcha   captcha.Challenge `json:"captcha"`
	CaptchaOK bool              `json:"captcha_ok,omitempty"`
	Login     string            `json:"login,omitempty"`
	// Key names the account (or, for an unknown user ID, the ID) in rate limits.
	Key     string    `json:"key,omitempty"`
	User    *idp.User `json:"user,omitempty"`
	Outcome string    `json:"outcome,omitempty"`
	Method  string    `json:"method,omitempty"`
	Passed  []string  `json:"passed,omitempty"`
}

// Deps are the parts the flow works with.
type Deps struct {
	Engine    *flows.Engine
	CSRF      *web.CSRF
	Pages     *web.Pages
	Directory idp.Directory
	// Methods are the configured methods, in the configured order.
	Methods []methods.Method
	Policy  *policy.Policy
	Limits  store.Limits
	Audit   *audit.Log
	// ClientIP returns the request's client address.
	ClientIP func(*http.Request) string
	// Confirm tells the user their password was reset (off the request path).
	Confirm func(r *http.Request, u idp.User)
}

// Options are the flow's settings.
type Options struct {
	Reset     config.Reset
	PublicURL string
	Prefix    string
	// Captcha is false only when the configuration allows no CAPTCHA (tests).
	Captcha bool
	// IdentifyFloor is the least time identify takes, so that its duration does
	// not tell known accounts from unknown ones.
	IdentifyFloor time.Duration
}

// Flow serves the reset pages.
type Flow struct {
	Deps
	opt Options
}

// New returns the flow.
func New(opt Options, d Deps) *Flow {
	if opt.IdentifyFloor == 0 {
		opt.IdentifyFloor = 300 * time.Millisecond
	}
	return &Flow{Deps: d, opt: opt}
}

// Register mounts the flow's routes on mux, under the prefix.
func (f *Flow) Register(mux *http.ServeMux) {
	p := f.opt.Prefix + "reset"
	h := f.Pages.Handle
	mux.Handle("GET "+p, h(f.start))
	mux.Handle("GET "+p+"/step", h(f.show))
	mux.Handle("GET "+p+"/captcha.png", h(f.captchaImage))
	mux.Handle("GET "+p+"/captcha.wav", h(f.captchaAudio))
	mux.Handle("POST "+p+"/identify", h(f.limitForm(f.identify)))
	mux.Handle("POST "+p+"/method", h(f.limitForm(f.chooseMethod)))
	mux.Handle("POST "+p+"/verify", h(f.limitForm(f.verify)))
	mux.Handle("POST "+p+"/resend", h(f.limitForm(f.resend)))
	mux.Handle("POST "+p+"/password", h(f.limitForm(f.password)))
}

// limitForm bounds the form body and parses it before the step runs.
func (f *Flow) limitForm(next web.HandlerFunc) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			return web.WithStatus(http.StatusRequestEntityTooLarge, err)
		}
		return next(w, r)
	}
}

// stepURL is where every step redirects after a successful POST.
func (f *Flow) stepURL() string { return f.opt.Prefix + "reset/step" }
