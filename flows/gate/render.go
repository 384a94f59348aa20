package gate

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// IdentifyPage is the data of the KIND_identify page.
type IdentifyPage struct {
	Form templates.Form
	// CaptchaImage and CaptchaAudio are the challenge's URLs; empty without CAPTCHA.
	CaptchaImage, CaptchaAudio string
	// Reset is the reset flow's start, carrying the sign-in page, for the
	// flows that offer "reset my password instead".
	Reset string
	// Restart starts this flow again (a new picture), keeping the sign-in page.
	Restart string
}

// MethodPage is the data of the KIND_method page.
type MethodPage struct {
	// Action is the page the choice posts to, such as "reset/method".
	Action  string
	Error   string
	Gate    int
	Of      int
	Options []MethodOption
	// Cancel leaves the flow for the sign-in page.
	Cancel string
}

// MethodOption is one method the user may pick.
type MethodOption struct {
	Name  string
	Label string // message ID
	// Hint is the masked destination, in descriptive mode only.
	Hint string
}

// VerifyPage is the data of the KIND_verify page.
type VerifyPage struct {
	Form   templates.Form
	Method string
	// Kind is the method's challenge kind, which picks the page's partial.
	Kind methods.Kind
	Hint string
	// Resend is the page that sends a new challenge, such as "reset/resend".
	Resend string
	// Ask is the lead (a message ID) of an Asker's question, shown with
	// Form (its field) before the challenge; empty on the challenge itself.
	Ask string
	// Challenge is what a methods.Presenter shows on the page (the
	// questions to answer); nil for other methods.
	Challenge any
	// TriesLeft, after a wrong answer, is how many more may be given before
	// self-service is blocked for the account; 0 otherwise.
	TriesLeft int
	// Back, when another method could be chosen instead, is the page that
	// returns to the choice, such as "reset/back".
	Back string
}

// EndPage is the data of the pages that end a flow (KIND_stopped, ...).
type EndPage struct {
	Message string // message ID
	Back    string
	// Reset is the reset flow's start, carrying the sign-in page, for the
	// flows that offer "reset my password instead".
	Reset string
}

// show renders the flow's current step (every successful POST lands here).
func (g *Gate) show(w http.ResponseWriter, r *http.Request) error {
	var s State
	fl, ok, err := g.Load(w, r, &s)
	if !ok || err != nil {
		return err
	}
	g.Render(w, r, fl, &s, http.StatusOK, "")
	return nil
}

// Render shows the flow's current step, with msg (a message ID) as its error.
func (g *Gate) Render(w http.ResponseWriter, r *http.Request, fl store.Flow, s *State, status int, msg string) {
	g.RenderStep(w, r, fl, s, fl.Step, status, msg)
}

// RenderStep shows step, which may differ from the flow's (a page shown
// again after a refused request).
func (g *Gate) RenderStep(w http.ResponseWriter, r *http.Request, fl store.Flow, s *State, step string, status int, msg string) {
	k := g.opt.Kind
	var data any
	switch step {
	case StepIdentify:
		d := IdentifyPage{Reset: g.resetURL(s), Restart: g.startURL(k, s), Form: templates.Form{Action: k + "/identify", Submit: "reset.identify.submit", Error: msg, Cancel: g.Back(s),
			Fields: []templates.Field{{Name: "login", Label: "reset.identify.login", Hint: "reset.identify.login_hint",
				Autocomplete: "username", Required: true, Autofocus: true}}}}
		// Shown again after a refusal (a wrong CAPTCHA), the form keeps the
		// user ID as typed, and the cursor goes to what is left to do.
		login := ""
		if r.Method == http.MethodPost {
			login = NormalizeLogin(r.PostFormValue("login"))
		}
		d.Form.Fields[0].Value = login
		if g.opt.Captcha {
			p, v := g.opt.Prefix+k+"/", "?v="+strconv.FormatInt(fl.Version, 10)
			d.CaptchaImage, d.CaptchaAudio = p+"captcha.png"+v, p+"captcha.wav"+v
			d.Form.Fields = append(d.Form.Fields, templates.Field{Name: "captcha", Label: "reset.identify.captcha",
				Hint: "reset.identify.captcha_hint", HintArgs: []any{"Length", s.Captcha.Len()}, Autocomplete: "off", Required: true,
				Autofocus: login != ""})
			d.Form.Fields[0].Autofocus = login == ""
		}
		data = d
	case StepMethod:
		data = g.methodPage(r.Context(), s, msg)
	case StepVerify:
		d := VerifyPage{Method: s.Method, Resend: k + "/resend", TriesLeft: s.TriesLeft, Form: templates.Form{Action: k + "/verify", Submit: "reset.verify.submit", Error: msg, Cancel: g.Back(s),
			Fields: []templates.Field{{Name: "code", Label: "reset.verify.code", Hint: "reset.verify.code_hint." + s.Method,
				Autocomplete: "one-time-code", Required: true, Autofocus: true}}}}
		if len(g.methodPage(r.Context(), s, "").Options) > 1 {
			d.Back = k + "/back"
		}
		if m := g.method(s.Method); m != nil {
			d.Kind = m.Kind()
			if p, ok := m.(methods.Presenter); ok {
				c, err := p.Challenge(r.Context(), g.target(r, fl, s, m))
				if err != nil {
					g.Pages.Error(w, r, http.StatusServiceUnavailable, err)
					return
				}
				d.Challenge = c
			}
			if sc, ok := m.(methods.Scripted); ok && sc.Scripted() {
				web.AllowScripts(w.Header())
			}
			if g.opt.Policy.Disclosure == config.DisclosureDescriptive && s.User != nil {
				d.Hint, _ = m.Hint(r.Context(), *s.User)
			}
		}
		data = d
	case StepAsk:
		data = g.askPage(r.Context(), s, msg)
		step = StepVerify // the same page as the challenge's, with the question
	case StepStopped:
		data = g.End(s, k+".stopped."+OrOK(s.Outcome))
	default:
		if g.opt.Render != nil && g.opt.Render(w, r, fl, s, step, status, msg) {
			return
		}
		step, data = StepStopped, g.End(s, k+".stopped.ok")
	}
	g.Show(w, r, fl, status, k+"_"+step, data)
}

// askPage is the verify page asking an Asker's question.
func (g *Gate) askPage(ctx context.Context, s *State, msg string) VerifyPage {
	d := VerifyPage{Method: s.Method, Form: templates.Form{Action: g.opt.Kind + "/ask", Submit: "reset.verify.submit", Error: msg}}
	if a, ok := g.method(s.Method).(methods.Asker); ok {
		f := a.Ask()
		d.Kind, d.Ask = a.Kind(), f.Lead
		if g.opt.Policy.Disclosure == config.DisclosureDescriptive && s.User != nil {
			d.Hint, _ = a.Hint(ctx, *s.User)
		}
		d.Form.Fields = []templates.Field{{Name: "answer", Type: f.InputType, Label: f.Label, Hint: f.Hint,
			Autocomplete: f.Autocomplete, Required: true, Autofocus: true}}
	}
	return d
}

// Show renders page with data, with a CSRF token bound to the flow's step.
func (g *Gate) Show(w http.ResponseWriter, r *http.Request, fl store.Flow, status int, page string, data any) {
	g.Pages.Render(w, r, status, page, templates.View{CSRFToken: g.CSRF.Token(w, r, flows.Binding(fl)), Data: data, Here: g.StepURL()})
}

// End is the data of a page that ends the flow with message msg.
func (g *Gate) End(s *State, msg string) EndPage {
	return EndPage{Message: msg, Back: g.Back(s), Reset: g.resetURL(s)}
}

// resetURL starts the reset flow, returning to the same sign-in page.
func (g *Gate) resetURL(s *State) string { return g.startURL("reset", s) }

// startURL is the start of flow kind, carrying the sign-in page to return to.
func (g *Gate) startURL(kind string, s *State) string {
	u := g.opt.Prefix + kind
	if s.ReturnTo != "" {
		u += "?return_to=" + url.QueryEscape(s.ReturnTo)
	}
	return u
}

func (g *Gate) methodPage(ctx context.Context, s *State, msg string) MethodPage {
	d := MethodPage{Action: g.opt.Kind + "/method", Error: msg, Gate: len(s.Passed) + 1, Of: g.opt.Policy.MethodsRequired, Cancel: g.Back(s)}
	// Before the first gate is passed, generic mode must not tell a
	// privileged account (two gates) from any other.
	if len(s.Passed) > 0 || g.opt.Policy.Disclosure == config.DisclosureDescriptive {
		d.Of = g.required(s)
	}
	for _, m := range g.Methods {
		if slices.Contains(s.Passed, m.Name()) {
			continue
		}
		o := MethodOption{Name: m.Name(), Label: "reset.method." + m.Name()}
		if g.opt.Policy.Disclosure == config.DisclosureDescriptive && s.User != nil {
			hint, ok := m.Hint(ctx, *s.User)
			if !ok {
				continue
			}
			o.Hint = hint
		}
		d.Options = append(d.Options, o)
	}
	return d
}

// Back is the sign-in page the flow started from, on the public origin, or
// the configured sign-in page when that one is unknown or cannot be shown
// again.
func (g *Gate) Back(s *State) string {
	return g.opt.SignIn.URL(g.opt.PublicURL, s.ReturnTo)
}

// StepError answers a request for a step the flow is not at (skipped,
// replayed, or lost a race): 409 with a link to where the flow really is.
func (g *Gate) StepError(w http.ResponseWriter, r *http.Request, err error) error {
	switch {
	case errors.Is(err, flows.ErrWrongStep):
		return web.WithStatus(http.StatusConflict, err)
	case errors.Is(err, flows.ErrNoFlow):
		http.Redirect(w, r, g.opt.Prefix+g.opt.Kind, http.StatusSeeOther)
		return nil
	}
	return err
}

// LogError logs err with the request's ID; the user sees a generic page.
func (g *Gate) LogError(r *http.Request, msg string, err error) {
	web.Logger(r.Context()).Error(msg, "err", err, "request_id", web.RequestID(r.Context()))
}
