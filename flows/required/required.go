package required

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/signin"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/returnto"
	"github.com/frontdoor-sspr/frontdoor/session"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Options configure the page.
type Options struct {
	Prefix    string
	PublicURL string
	// RemindLater, when positive, offers "Remind me later": the page is not
	// shown again to the account for that long.
	RemindLater time.Duration
	// Register is the security-info page (flows/register), such as prefix + "register".
	Register string
}

// Continue is the application the upstream was sending the browser to when
// frontdoor stepped in after its sign-in (see server's afterSignIn): kept in
// a pending cookie, never in a URL, as it carries the application's code.
type Continue struct {
	URL string `json:"u"`
}

// Deps are what the page uses.
type Deps struct {
	Sessions *session.Manager
	Provider idp.SignIn
	// MustRegister is the registration policy (flows/register): whether u
	// must register or re-confirm security info now. Nil: never.
	MustRegister func(ctx context.Context, u idp.User) bool
	Limits       store.Limits
	Pages        *web.Pages
	CSRF         *web.CSRF
	// Continue holds the application to go on to after a step in after
	// the upstream's sign-in; nil when that is off.
	Continue *session.Pending
	// Now is the clock the "remind me later" period starts by (the
	// store's); time.Now when nil.
	Now func() time.Time
}

// Page is the interstitial.
type Page struct {
	opt Options
	Deps
}

// New returns the page.
func New(o Options, d Deps) *Page {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Page{opt: o, Deps: d}
}

// Register mounts GET and POST prefix+"required".
func (p *Page) Register(mux *http.ServeMux) {
	mux.Handle("GET "+p.opt.Prefix+"required", p.Pages.Handle(p.show))
	mux.Handle("POST "+p.opt.Prefix+"required", p.Pages.Handle(p.later))
}

// View is the data of the required page.
type View struct {
	// Register continues to the security-info page; Continue is the
	// application; Later is true when "remind me later" is offered.
	Register, Continue string
	Later              bool
}

// next is where the user goes on to: a page of the upstream's origin
// (validated as the reset flow's return-to), or its start page.
func (p *Page) next(raw string) string {
	if v, ok := returnto.Validate(raw, p.opt.Prefix); ok {
		return v
	}
	return "/"
}

// goOn sends the browser on: to the application kept in the Continue
// cookie when there is one (and no continue parameter), else to next.
func (p *Page) goOn(w http.ResponseWriter, r *http.Request, raw, next string) {
	if raw == "" && p.Continue != nil {
		var c Continue
		if err := p.Continue.Take(w, r, &c); err == nil && absoluteHTTP(c.URL) {
			http.Redirect(w, r, c.URL, http.StatusSeeOther)
			return
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// absoluteHTTP tells whether s is an absolute http(s) URL.
func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func (p *Page) show(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	raw := q.Get("continue")
	next := p.next(raw)
	u, _, ok := p.Sessions.Current(r)
	if !ok {
		if q.Get("silent") != "" || p.Provider == nil {
			p.goOn(w, r, raw, next)
			return nil
		}
		here := p.opt.Prefix + "required"
		if raw != "" {
			here += "?continue=" + url.QueryEscape(next)
		}
		if err := p.Provider.Start(w, r, idp.SignInRequest{ReturnTo: here, Silent: true}); err != nil {
			// The IdP cannot be asked now: the user goes on; the page is a
			// reminder, never a gate.
			web.Logger(r.Context()).Warn("silent sign-in for the required page failed", "err", err)
			p.goOn(w, r, raw, next)
		}
		return nil
	}
	if !p.due(r, u) {
		p.goOn(w, r, raw, next)
		return nil
	}
	back := p.opt.Prefix + "required"
	if raw != "" {
		back = next
	}
	v := View{Register: p.opt.Register + "?return_to=" + url.QueryEscape(back), Later: p.opt.RemindLater > 0}
	if raw != "" {
		v.Continue = next
	}
	p.Pages.Render(w, r, http.StatusOK, "required", templates.View{CSRFToken: p.CSRF.Token(w, r, signin.Binding(u)), Data: v})
	return nil
}

// due tells whether u must register now and has not asked to be reminded later.
func (p *Page) due(r *http.Request, u idp.User) bool {
	if p.MustRegister == nil {
		return false
	}
	if _, snoozed, err := p.Limits.Blocked(r.Context(), remindKey(u)); err == nil && snoozed {
		return false
	}
	return p.MustRegister(r.Context(), u)
}

// later records "remind me later" and goes on.
func (p *Page) later(w http.ResponseWriter, r *http.Request) error {
	u, _, ok := p.Sessions.Current(r)
	if err := p.CSRF.Check(r, signin.Binding(u)); err != nil {
		return err
	}
	raw := r.PostFormValue("continue")
	if ok && p.opt.RemindLater > 0 {
		if err := p.Limits.Block(r.Context(), remindKey(u), p.Now().Add(p.opt.RemindLater)); err != nil {
			return err
		}
	}
	p.goOn(w, r, raw, p.next(raw))
	return nil
}

func remindKey(u idp.User) string { return "required:later:" + strings.ToLower(u.ID) }
