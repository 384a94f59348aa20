package register

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/returnto"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Steps of the flow.
const (
	stepOverview = "overview"
	stepVerify   = "verify"
)

// Limits of the page.
const (
	// MaxEmails is how many alternate emails a user may register.
	MaxEmails    = 3
	maxFormBytes = 16 << 10
	maxEmailLen  = 254
	maxPhoneLen  = 40
	emailDigits  = 8
	textDigits   = 6
	codePurpose  = "register"
)

// Registrations reads and updates users' registered security info
// (registration.Store).
type Registrations interface {
	methods.Registrations
	// Update reads the section name into v (a pointer), lets fn change it
	// and writes it back as one compare-and-swap.
	Update(ctx context.Context, userID, name string, v any, fn func(found bool) error) error
}

// Sealer encrypts the value being verified while it waits in the flow
// (registration.Keyring).
type Sealer interface {
	Seal(aad string, plaintext []byte) []byte
	Open(aad string, sealed []byte) ([]byte, string, error)
}

// Change is one change of security info, as the notice mails tell it.
type Change struct {
	// What is "email", "mobile" or "office"; Action is "added", "replaced",
	// "removed" or "confirmed".
	What, Action string
	// Masked is the new (or removed) value, masked; never the value in full.
	Masked string
	Time   time.Time
}

// Deps are the parts the page works with.
type Deps struct {
	Engine        *flows.Engine
	CSRF          *web.CSRF
	Pages         *web.Pages
	Audit         *audit.Log
	Codes         *methods.CodeService
	Registrations Registrations
	Sealer        Sealer
	// Current returns the signed-in user (the sign-in package's session).
	Current func(r *http.Request) (idp.User, bool)
	// RequireRecent lets a request through only after a recent sign-in; it
	// sends the user to sign in again otherwise.
	RequireRecent func(http.Handler) http.Handler
	// SendEmailCode queues the code that verifies a new address.
	SendEmailCode func(r *http.Request, to, code string, ttl time.Duration)
	// SendText sends a text message to an E.164 number for the account (a
	// user ID, for the toll-fraud budget); nil when no text gateway is
	// configured (no mobile phone can be registered then).
	SendText func(ctx context.Context, account, toE164, body string) error
	// NormalizePhone returns a typed number in E.164; nil means phones
	// cannot be registered.
	NormalizePhone func(raw string) (string, error)
	// Notify tells the addresses to (those the account had before the
	// change) about c; it must not block on the mail server.
	Notify func(r *http.Request, u idp.User, to []string, c Change)
	// Methods are the offered methods' enrolment APIs (methods.go).
	Methods Enrolments
}

// Options are the page's settings.
type Options struct {
	Prefix    string
	PublicURL string
	// Email, Mobile and Office say what may be registered (from
	// registration.methods: email; mobile_text or mobile_call; office_call).
	Email, Mobile, Office bool
	// Required is the sign-in's "more information required" page (prefix +
	// "required"). return_to may name it although it is frontdoor's own
	// page: after a sign-in at the upstream, it holds the application's
	// address (in its cookie) and sends the user on there.
	Required string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Flow serves the "Security info" page.
type Flow struct {
	Deps
	opt Options
}

// New returns the page.
func New(opt Options, d Deps) *Flow {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if d.NormalizePhone == nil {
		opt.Mobile, opt.Office = false, false
	}
	if d.SendText == nil {
		opt.Mobile = false
	}
	return &Flow{Deps: d, opt: opt}
}

// Register mounts the page's routes on mux, under the prefix. Every route
// demands a recent sign-in.
func (f *Flow) Register(mux *http.ServeMux) {
	p := f.opt.Prefix + store.KindRegister
	h := func(fn web.HandlerFunc) http.Handler { return f.RequireRecent(f.Pages.Handle(fn)) }
	post := func(fn func(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error) http.Handler {
		return h(f.limitForm(f.posted(fn)))
	}
	mux.Handle("GET "+p, h(f.show))
	mux.Handle("POST "+p+"/email", post(f.addEmail))
	mux.Handle("POST "+p+"/mobile", post(f.addMobile))
	mux.Handle("POST "+p+"/office", post(f.setOffice))
	mux.Handle("POST "+p+"/remove", post(f.remove))
	mux.Handle("POST "+p+"/confirm", post(f.confirm))
	mux.Handle("POST "+p+"/verify", post(f.verify))
	mux.Handle("POST "+p+"/cancel", post(f.cancel))
	f.mountMethods(mux, post)
}

// State is what the page keeps between requests.
type State struct {
	// UserID binds the flow to the signed-in user who started it.
	UserID  string   `json:"user_id"`
	Pending *Pending `json:"pending,omitempty"`
	// Flash is a message to show once on the next page.
	Flash string `json:"flash,omitempty"`
	// Seq counts the posts taken, so that one post claims its step.
	Seq int `json:"seq"`
	// ReturnTo is the page of the upstream's origin to go on to (the
	// application, when the sign-in's "more information required" page sent
	// the user here).
	ReturnTo string `json:"return_to,omitempty"`
}

// Pending is a value waiting for its code.
type Pending struct {
	What string `json:"what"` // "email" or "mobile"
	// Sealed is the value and the alternate email it replaces (if any), as
	// JSON sealed to the flow.
	Sealed []byte `json:"sealed"`
	Masked string `json:"masked"`
}

func (f *Flow) url() string { return f.opt.Prefix + store.KindRegister }

func (f *Flow) limitForm(next web.HandlerFunc) web.HandlerFunc {
	return web.LimitForm(maxFormBytes, next)
}

var errNotSignedIn = web.WithStatus(http.StatusForbidden, errors.New("register: nobody is signed in"))

// posted loads the flow of a POST: it must belong to the signed-in user and
// carry a CSRF token for its current version.
func (f *Flow) posted(fn func(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, ok := f.Current(r)
		if !ok || u.ID == "" {
			return errNotSignedIn
		}
		var s State
		fl, err := f.Engine.Load(r, store.KindRegister, &s)
		if errors.Is(err, flows.ErrNoFlow) || (err == nil && s.UserID != u.ID) {
			http.Redirect(w, r, f.url(), http.StatusSeeOther)
			return nil
		}
		if err != nil {
			return err
		}
		if err := f.CSRF.Check(r, flows.Binding(fl)); err != nil {
			return web.WithStatus(http.StatusForbidden, err)
		}
		// Claim the step: of two posts of the same form at once, one goes
		// on and the other finds the flow moved on.
		seen, step := s.Seq, fl.Step
		fl, err = flows.Advance(r.Context(), f.Engine, fl, []string{stepOverview, stepVerify}, func(st *State) (string, error) {
			if st.Seq != seen {
				return "", flows.ErrWrongStep
			}
			st.Seq++
			s = *st // the state as saved: the last run is the one that counts
			return step, nil
		})
		if err != nil {
			return f.stepError(w, r, err)
		}
		return fn(w, r, u, fl, &s)
	}
}

// show renders the page at the flow's step, starting a flow for the
// signed-in user when the browser has none of theirs.
func (f *Flow) show(w http.ResponseWriter, r *http.Request) error {
	u, ok := f.Current(r)
	if !ok || u.ID == "" {
		return errNotSignedIn
	}
	rt, hasRT := f.returnTo(r.URL.Query().Get("return_to"))
	var s State
	fl, err := f.Engine.Load(r, store.KindRegister, &s)
	if err == nil && s.UserID == u.ID && hasRT && s.ReturnTo != rt {
		step := fl.Step
		fl, err = flows.Advance(r.Context(), f.Engine, fl, []string{step}, func(st *State) (string, error) {
			st.ReturnTo = rt
			s = *st
			return step, nil
		})
		if err != nil {
			return f.stepError(w, r, err)
		}
	}
	if errors.Is(err, flows.ErrNoFlow) || (err == nil && s.UserID != u.ID) {
		s = State{UserID: u.ID, ReturnTo: rt}
		fl, err = f.Engine.Start(r.Context(), w, store.KindRegister, stepOverview, &s)
		if err == nil {
			f.Audit.Record(r, store.Event{Type: audit.FlowStarted, Flow: fl.ID, User: u.ID, Outcome: "ok", Detail: map[string]string{"kind": store.KindRegister}})
		}
	}
	if err != nil {
		return err
	}
	if s.Flash != "" {
		// Shown once: the next visit does not repeat it.
		flash, step := s.Flash, fl.Step
		fl, err = flows.Advance(r.Context(), f.Engine, fl, []string{step}, func(st *State) (string, error) {
			st.Flash = ""
			s = *st
			return step, nil
		})
		if err != nil {
			return f.stepError(w, r, err)
		}
		s.Flash = flash
	}
	return f.render(w, r, u, fl, &s, http.StatusOK, "")
}

// returnTo validates the page to go on to: one of the upstream's origin,
// or exactly the "more information required" page.
func (f *Flow) returnTo(raw string) (string, bool) {
	if raw != "" && raw == f.opt.Required {
		return raw, true
	}
	return returnto.Validate(raw, f.opt.Prefix)
}

// stepError answers a step that lost a race or came at the wrong time: the
// page is shown again as it is now.
func (f *Flow) stepError(w http.ResponseWriter, r *http.Request, err error) error {
	if errors.Is(err, flows.ErrWrongStep) || errors.Is(err, flows.ErrNoFlow) {
		http.Redirect(w, r, f.url(), http.StatusSeeOther)
		return nil
	}
	return err
}

// done moves the flow back to the overview with a message, and shows it.
func (f *Flow) done(w http.ResponseWriter, r *http.Request, fl store.Flow, from []string, flash string) error {
	_, err := flows.Advance(r.Context(), f.Engine, fl, from, func(st *State) (string, error) {
		st.Pending, st.Flash = nil, flash
		return stepOverview, nil
	})
	if err != nil {
		return f.stepError(w, r, err)
	}
	http.Redirect(w, r, f.url(), http.StatusSeeOther)
	return nil
}
