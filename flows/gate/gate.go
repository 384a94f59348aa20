package gate

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/captcha"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/returnto"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Steps of the gated part of a flow.
const (
	StepIdentify = "identify"
	StepMethod   = "method"
	StepVerify   = "verify"
	// StepAsk: an Asker method's question (the full phone number) before
	// its challenge is sent.
	StepAsk     = "ask"
	StepStopped = "stopped" // a verdict or a block ends the flow
)

// Verdicts of identify; "" means the account may go on.
const (
	OutcomeNotFound     = "not_found"
	OutcomeNotEnabled   = "not_enabled"
	OutcomeContactAdmin = "contact_admin"
	OutcomeNoMethod     = "no_method"
	OutcomeBlocked      = "blocked"
	// OutcomeNotRegistered: registration is required and the account has
	// not registered its security info.
	OutcomeNotRegistered = "not_registered"
)

// outcomeManaged is eligibility's verdict for an account managed elsewhere
// (privileged, in a managed OU or group). It never leaves identify, which
// shows and records it as OutcomeContactAdmin and tells Deps.Refused; an
// administrator's lock, also shown as OutcomeContactAdmin by reset, is not
// told.
const outcomeManaged = "managed"

// Limits of the gates, as the reference sets them. The failure count and
// the block are per account and shared by every gated flow, so that a
// guesser gains nothing by switching from reset to unlock.
const (
	failWindow   = time.Hour
	failMax      = 5
	blockFor     = 24 * time.Hour
	identifyMax  = 30 // per client IP per identifyWind
	identifyWind = 10 * time.Minute
	maxLoginLen  = 256
	maxFormBytes = 16 << 10
)

// State is what a gated flow keeps between requests.
type State struct {
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
	// Counted means the owner's last step has counted the flow against its
	// limit (unlock's daily cap), so that a retry does not count it again.
	Counted bool `json:"counted,omitempty"`
	// TriesLeft, after a wrong answer, is how many more the account may
	// give before the gated flows are blocked; shown, never stored.
	TriesLeft int `json:"-"`
}

// Deps are the parts the gates work with.
type Deps struct {
	Engine    *flows.Engine
	CSRF      *web.CSRF
	Pages     *web.Pages
	Directory idp.Directory
	// Methods are the configured methods, in the configured order.
	Methods []methods.Method
	Limits  store.Limits
	Audit   *audit.Log
	// ClientIP returns the request's client address.
	ClientIP func(*http.Request) string
	// Secret keys the digests that stand for unknown user IDs.
	Secret []byte
	// Registered, when set, is the registration policy
	// (registration.Policy.Registered): an account it refuses stops with
	// OutcomeNotRegistered.
	Registered func(ctx context.Context, u idp.User) (bool, error)
	// LockAccount, when set, holds an account (by its ID) across replicas
	// while its password or lockout is written (store/postgres); nil when
	// one process serves (the directory backends serialise within it).
	LockAccount func(ctx context.Context, key string) (unlock func(), err error)
	// Refused, when set, is told of each identify that stopped an account
	// managed elsewhere (OutcomeContactAdmin), with the flow's kind, for
	// the helpdesk's alert. It must return at once: identify takes the
	// same time for every account.
	Refused func(r *http.Request, kind string, u idp.User)
	// Blocked, when set, is told when too many wrong answers blocked the
	// reset and unlock of an account (not of an unknown user ID), to tell
	// its owner. It must return at once: the step takes the same time
	// whatever the user ID.
	Blocked func(r *http.Request, u idp.User)
}

// accountWait bounds the wait for another replica's write to the same
// account.
const accountWait = 30 * time.Second

// ErrAccountBusy means the account could not be had for a write: another
// replica's write to it took longer than accountWait, or the store did not
// answer. Nothing was written. It is also idp.ErrUnavailable (503, the step
// given back).
var ErrAccountBusy = fmt.Errorf("%w: another write to the account is taking too long", idp.ErrUnavailable)

// WriteAccount runs write, a directory write of u's password or lockout,
// while no other replica writes u (LockAccount). A reset and an unlock of
// one account then never interleave: on OpenLDAP the reset's write-back of
// the lockout would undo the unlock. An account not had is ErrAccountBusy,
// and write does not run.
func (d Deps) WriteAccount(ctx context.Context, u idp.User, write func() error) error {
	if d.LockAccount == nil {
		return write()
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), accountWait)
	unlock, err := d.LockAccount(wctx, u.ID)
	cancel()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrAccountBusy, err)
	}
	defer unlock()
	return write()
}

// Policy says who may go through the gates and how.
type Policy struct {
	Enabled          config.Enabled
	Groups           []string
	Disclosure       config.Disclosure
	MethodsRequired  int
	ManagedElsewhere config.ManagedElsewhere
}

// Renderer renders the steps that follow the gates. It is called with the
// step to show and returns false for a step it does not know.
type Renderer func(w http.ResponseWriter, r *http.Request, fl store.Flow, s *State, step string, status int, msg string) bool

// Options are the gates' settings.
type Options struct {
	// Kind is the flow's kind (store.KindReset, ...), its path under Prefix
	// and the prefix of its page names.
	Kind   string
	Policy Policy
	// After is the step the flow moves to once the last gate is passed.
	After     string
	PublicURL string
	Prefix    string
	// SignIn says which sign-in pages can be returned to, and the fallback.
	SignIn returnto.Targets
	// Captcha is false only when the configuration allows no CAPTCHA (tests).
	Captcha bool
	// CaptchaLength is the number of digits to type (captcha.length; 0: the default).
	CaptchaLength int
	// IdentifyFloor is the least time identify takes, so that its duration does
	// not tell known accounts from unknown ones; identify also takes as long
	// as its slowest recent runs (Floor).
	IdentifyFloor time.Duration
	// Render shows the steps after the gates.
	Render Renderer
	// Verdict, when set, is the flow's own eligibility rule, asked before
	// the shared ones: a non-empty verdict stops the account as the shared
	// verdicts do.
	Verdict func(u idp.User) string
}

// Gate serves the identify and verification steps of one flow kind.
type Gate struct {
	Deps
	opt Options
	// identifyFloor and sendFloor pad identify and the sending of a
	// challenge (floor.go).
	identifyFloor, sendFloor *Floor
}

// New returns the gates of a flow.
func New(opt Options, d Deps) *Gate {
	if opt.IdentifyFloor == 0 {
		opt.IdentifyFloor = 300 * time.Millisecond
	}
	return &Gate{Deps: d, opt: opt, identifyFloor: NewFloor(opt.IdentifyFloor), sendFloor: NewFloor(0)}
}

// Kind is the flow's kind.
func (g *Gate) Kind() string { return g.opt.Kind }

// Disclosure is the disclosure mode.
func (g *Gate) Disclosure() config.Disclosure { return g.opt.Policy.Disclosure }

// Register mounts the gates' routes on mux, under the prefix.
func (g *Gate) Register(mux *http.ServeMux) {
	p := g.opt.Prefix + g.opt.Kind
	h := g.Pages.Handle
	mux.Handle("GET "+p, h(g.start))
	mux.Handle("GET "+p+"/step", h(g.show))
	mux.Handle("GET "+p+"/captcha.png", h(g.captchaImage))
	mux.Handle("GET "+p+"/captcha.wav", h(g.captchaAudio))
	mux.Handle("POST "+p+"/identify", h(LimitForm(g.identify)))
	mux.Handle("POST "+p+"/method", h(LimitForm(g.chooseMethod)))
	mux.Handle("POST "+p+"/ask", h(LimitForm(g.answer)))
	mux.Handle("POST "+p+"/verify", h(LimitForm(g.verify)))
	mux.Handle("POST "+p+"/resend", h(LimitForm(g.resend)))
	mux.Handle("POST "+p+"/back", h(LimitForm(g.back)))
}

// LimitForm bounds the form body and parses it before the step runs.
func LimitForm(next web.HandlerFunc) web.HandlerFunc { return web.LimitForm(maxFormBytes, next) }

// StepURL is where every step redirects after a successful POST.
func (g *Gate) StepURL() string { return g.opt.Prefix + g.opt.Kind + "/step" }

// ClearFailures starts the account's count of failed gates again from zero,
// once the flow has done what it was for.
func (g *Gate) ClearFailures(r *http.Request, s *State) {
	if err := g.Limits.Reset(context.WithoutCancel(r.Context()), "reset-fail:"+s.Key); err != nil {
		g.LogError(r, "clearing the failure count failed", err)
	}
}
