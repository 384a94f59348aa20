package reset

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/policy"
	"github.com/frontdoor-sspr/frontdoor/returnto"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// IdentifyPage is the data of the reset_identify page.
type IdentifyPage struct {
	Form templates.Form
	// CaptchaImage and CaptchaAudio are the challenge's URLs; empty without CAPTCHA.
	CaptchaImage, CaptchaAudio string
}

// MethodPage is the data of the reset_method page.
type MethodPage struct {
	Error   string
	Gate    int
	Of      int
	Options []MethodOption
}

// MethodOption is one method the user may pick.
type MethodOption struct {
	Name  string
	Label string // message ID
	// Hint is the masked destination, in descriptive mode only.
	Hint string
}

// VerifyPage is the data of the reset_verify page.
type VerifyPage struct {
	Form   templates.Form
	Method string
	Hint   string
}

// PasswordPage is the data of the reset_password page.
type PasswordPage struct {
	Form templates.Form
	// Rules are the password rules, Reasons why the last one was refused;
	// both already in the user's language.
	Rules, Reasons []string
}

// EndPage is the data of the reset_done and reset_stopped pages.
type EndPage struct {
	Message string // message ID
	Back    string
}

// show renders the flow's current step (every successful POST lands here).
func (f *Flow) show(w http.ResponseWriter, r *http.Request) error {
	var s state
	fl, ok, err := f.load(w, r, &s)
	if !ok || err != nil {
		return err
	}
	f.render(w, r, fl, &s, http.StatusOK, "")
	return nil
}

func (f *Flow) render(w http.ResponseWriter, r *http.Request, fl store.Flow, s *state, status int, msg string) {
	f.renderStep(w, r, fl, s, fl.Step, status, msg)
}

func (f *Flow) renderStep(w http.ResponseWriter, r *http.Request, fl store.Flow, s *state, step string, status int, msg string) {
	p := f.opt.Prefix + "reset/"
	var page string
	var data any
	switch step {
	case stepIdentify:
		page = "reset_identify"
		d := IdentifyPage{Form: templates.Form{Action: "reset/identify", Submit: "reset.identify.submit", Error: msg,
			Fields: []templates.Field{{Name: "login", Label: "reset.identify.login", Hint: "reset.identify.login_hint",
				Autocomplete: "username", Required: true, Autofocus: true}}}}
		if f.opt.Captcha {
			v := "?v=" + strconv.FormatInt(fl.Version, 10)
			d.CaptchaImage, d.CaptchaAudio = p+"captcha.png"+v, p+"captcha.wav"+v
			d.Form.Fields = append(d.Form.Fields, templates.Field{Name: "captcha", Label: "reset.identify.captcha",
				Hint: "reset.identify.captcha_hint", Autocomplete: "off", Required: true})
		}
		data = d
	case stepMethod:
		page, data = "reset_method", f.methodPage(s, msg)
	case stepVerify:
		page = "reset_verify"
		d := VerifyPage{Method: s.Method, Form: templates.Form{Action: "reset/verify", Submit: "reset.verify.submit", Error: msg,
			Fields: []templates.Field{{Name: "code", Label: "reset.verify.code", Hint: "reset.verify.code_hint." + s.Method,
				Autocomplete: "one-time-code", Required: true, Autofocus: true}}}}
		if m := f.method(s.Method); m != nil && f.opt.Reset.Disclosure == "descriptive" && s.User != nil {
			d.Hint, _ = m.Hint(*s.User)
		}
		data = d
	case stepPassword, stepWriting:
		f.renderPassword(w, r, fl, s, status, msg, nil)
		return
	case stepDone:
		page, data = "reset_done", EndPage{Message: "reset.done.message", Back: f.back(s)}
	default:
		page, data = "reset_stopped", EndPage{Message: "reset.stopped." + orOK(s.Outcome), Back: f.back(s)}
	}
	f.Pages.Render(w, r, status, page, templates.View{CSRFToken: f.CSRF.Token(w, r, flows.Binding(fl)), Data: data})
}

func (f *Flow) methodPage(s *state, msg string) MethodPage {
	d := MethodPage{Error: msg, Gate: len(s.Passed) + 1, Of: f.opt.Reset.MethodsRequired}
	for _, m := range f.Methods {
		if slices.Contains(s.Passed, m.Name()) {
			continue
		}
		o := MethodOption{Name: m.Name(), Label: "reset.method." + m.Name()}
		if f.opt.Reset.Disclosure == "descriptive" && s.User != nil {
			hint, ok := m.Hint(*s.User)
			if !ok {
				continue
			}
			o.Hint = hint
		}
		d.Options = append(d.Options, o)
	}
	return d
}

func (f *Flow) renderPassword(w http.ResponseWriter, r *http.Request, fl store.Flow, s *state, status int, msg string, reasons []policy.Reason) {
	lang := policy.Lang(f.Pages.Templates.Negotiate(r.Header.Get("Accept-Language")).String())
	d := PasswordPage{Rules: f.Policy.Rules(lang), Form: templates.Form{Action: "reset/password", Submit: "reset.password.submit", Error: msg,
		Fields: []templates.Field{
			{Name: "password", Type: "password", Label: "reset.password.new", Autocomplete: "new-password", Required: true, Autofocus: true},
			{Name: "confirm", Type: "password", Label: "reset.password.confirm", Autocomplete: "new-password", Required: true},
		}}}
	for _, reason := range reasons {
		d.Reasons = append(d.Reasons, reason.Message(lang))
	}
	f.Pages.Render(w, r, status, "reset_password", templates.View{CSRFToken: f.CSRF.Token(w, r, flows.Binding(fl)), Data: d})
}

// back is the sign-in page the flow started from, on the public origin.
func (f *Flow) back(s *state) string {
	if s.ReturnTo == "" {
		return returnto.Absolute(f.opt.PublicURL, "/")
	}
	return returnto.Absolute(f.opt.PublicURL, s.ReturnTo)
}

// stepError answers a request for a step the flow is not at (skipped,
// replayed, or lost a race): 409 with a link to where the flow really is.
func (f *Flow) stepError(w http.ResponseWriter, r *http.Request, err error) error {
	switch {
	case errors.Is(err, flows.ErrWrongStep):
		return web.WithStatus(http.StatusConflict, err)
	case errors.Is(err, flows.ErrNoFlow):
		http.Redirect(w, r, f.opt.Prefix+"reset", http.StatusSeeOther)
		return nil
	}
	return err
}

func (f *Flow) logError(r *http.Request, msg string, err error) {
	web.Logger(r.Context()).Error(msg, "err", err, "request_id", web.RequestID(r.Context()))
}
