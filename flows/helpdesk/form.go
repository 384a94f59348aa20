package helpdesk

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/captcha"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// FormPage is the data of the helpdesk_form page.
type FormPage struct {
	Error string // message ID
	// Login and Message are the values sent, shown again after an error.
	Login, Message string
	MaxMessage     int
	// CaptchaImage and CaptchaAudio are the challenge's URLs; empty without CAPTCHA.
	CaptchaImage, CaptchaAudio string
	// Back leaves the form for the sign-in page.
	Back string
	// CaptchaLength is the number of digits the picture has.
	CaptchaLength int
}

// SentPage is the data of the helpdesk_sent page.
type SentPage struct {
	Reference string
	Back      string
}

// start shows the form in a new flow, or sends the user to the portal.
func (f *Flow) start(w http.ResponseWriter, r *http.Request) error {
	if f.opt.URL != "" {
		http.Redirect(w, r, f.opt.URL, http.StatusSeeOther)
		return nil
	}
	s := state{Captcha: captcha.NewOfLength(f.opt.CaptchaLength)}
	if rt, ok := f.opt.SignIn.Keep(r.URL.Query().Get("return_to"), f.opt.Prefix); ok {
		s.ReturnTo = rt
	}
	// Offered, not stored: a bare GET leaves nothing behind.
	fl, err := f.Engine.Offer(w, store.KindHelpdesk, stepForm, &s)
	if errors.Is(err, flows.ErrOfferTooLarge) {
		s.ReturnTo = "" // too long to carry: the sent page links to the site's root
		fl, err = f.Engine.Offer(w, store.KindHelpdesk, stepForm, &s)
	}
	if err != nil {
		return err
	}
	f.render(w, r, fl, &s, http.StatusOK, FormPage{})
	return nil
}

func (f *Flow) captchaImage(w http.ResponseWriter, r *http.Request) error {
	return f.writeCaptcha(w, r, "image", "image/png", func(c captcha.Challenge) error { return c.WriteImage(w) })
}

func (f *Flow) captchaAudio(w http.ResponseWriter, r *http.Request) error {
	base, _ := f.Pages.Templates.Lang(r).Base()
	return f.writeCaptcha(w, r, "audio", "audio/wav", func(c captcha.Challenge) error { return c.WriteAudio(w, base.String()) })
}

func (f *Flow) writeCaptcha(w http.ResponseWriter, r *http.Request, kind, ctype string, write func(captcha.Challenge) error) error {
	var s state
	fl, err := f.load(w, r, &s)
	if errors.Is(err, gate.ErrUnknownHandles) {
		return err
	}
	if err != nil || fl.Step != stepForm {
		return web.WithStatus(http.StatusNotFound, errors.New("no CAPTCHA for this request"))
	}
	if err := gate.AllowCaptcha(r.Context(), w, f.Limits, f.ClientIP(r), kind, s.Captcha); err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	return write(s.Captcha)
}

// send checks the form and hands the request to the helpdesk.
func (f *Flow) send(w http.ResponseWriter, r *http.Request) error {
	var s state
	fl, err := f.load(w, r, &s)
	if errors.Is(err, flows.ErrNoFlow) {
		http.Redirect(w, r, f.opt.Prefix+"helpdesk", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	if err := f.CSRF.Check(r, flows.Binding(fl)); err != nil {
		return web.WithStatus(http.StatusForbidden, err)
	}
	ctx := r.Context()
	ip := f.ClientIP(r)
	login := gate.NormalizeLogin(r.PostFormValue("login"))
	message := cleanMessage(r.PostFormValue("message"))
	page := FormPage{Login: login, Message: message}
	if ok, _, _, err := f.Limits.Hit(ctx, "helpdesk:ip:"+ip, ipWindow, ipMax); err != nil {
		return err
	} else if !ok {
		gate.RecordRefusal(r, f.Limits, f.Audit, "helpdesk:ip:"+ip, ipWindow,
			store.Event{Type: audit.Blocked, Flow: fl.ID, Outcome: "rate_limited", Detail: map[string]string{"limit": "helpdesk_ip"}})
		page.Error = "helpdesk.error.too_many"
		f.render(w, r, fl, &s, http.StatusTooManyRequests, page)
		return nil
	}
	// Stored now, the form having come back within the client's limit.
	if fl, err = f.Engine.Keep(ctx, w, fl); err != nil {
		if errors.Is(err, flows.ErrNoFlow) {
			http.Redirect(w, r, f.opt.Prefix+"helpdesk", http.StatusSeeOther)
			return nil
		}
		return err
	}
	// The CAPTCHA is used once, right or wrong: a new one replaces it first.
	answer, passed := web.SingleValue(r, "captcha"), false // missing or repeated: "", refused
	fl, err = flows.Advance(ctx, f.Engine, fl, []string{stepForm}, func(st *state) (string, error) {
		passed = !f.opt.Captcha || st.Captcha.Check(answer)
		st.Captcha = captcha.NewOfLength(f.opt.CaptchaLength)
		return stepForm, nil
	})
	if err != nil {
		return stepError(err)
	}
	switch {
	case login == "" || utf8.RuneCountInString(login) > maxLoginLen || strings.IndexFunc(login, unicode.IsControl) >= 0:
		page.Error = "helpdesk.error.login"
	case strings.TrimSpace(message) == "":
		page.Error = "helpdesk.error.message"
	case utf8.RuneCountInString(message) > MaxMessage:
		page.Error = "helpdesk.error.message_long"
	case !passed:
		page.Error = "helpdesk.error.captcha"
	}
	if page.Error != "" {
		return f.reshow(w, r, fl.ID, http.StatusUnprocessableEntity, page)
	}
	key := f.userKey(r, login)
	if ok, _, _, err := f.Limits.Hit(ctx, "helpdesk:"+key, loginWindow, loginMax); err != nil {
		return err
	} else if !ok {
		f.Audit.Record(r, store.Event{Type: audit.Blocked, Flow: fl.ID, User: key, Outcome: "rate_limited", Detail: map[string]string{"limit": "helpdesk_login"}})
		page.Error = "helpdesk.error.too_many_login"
		return f.reshow(w, r, fl.ID, http.StatusTooManyRequests, page)
	}
	to, err := f.Recipients(ctx)
	if err != nil || len(to) == 0 {
		web.Logger(ctx).Error("the helpdesk has no address to write to", "err", err, "request_id", web.RequestID(ctx))
		f.Audit.Record(r, store.Event{Type: audit.HelpdeskRequest, Flow: fl.ID, User: key, Outcome: "unavailable"})
		page.Error = "helpdesk.error.unavailable"
		return f.reshow(w, r, fl.ID, http.StatusServiceUnavailable, page)
	}
	req := Request{Reference: NewReference(), Login: login, Message: message, IP: ip,
		RequestID: web.RequestID(ctx), Time: f.Engine.Now()}
	_, err = flows.Advance(ctx, f.Engine, fl, []string{stepForm}, func(st *state) (string, error) {
		st.Reference = req.Reference
		return stepSent, nil
	})
	if err != nil {
		return stepError(err)
	}
	f.Send(to, req)
	f.Audit.Record(r, store.Event{Type: audit.HelpdeskRequest, Flow: fl.ID, User: key, Outcome: "ok",
		Detail: map[string]string{"reference": req.Reference, "recipients": strconv.Itoa(len(to))}})
	http.Redirect(w, r, f.opt.Prefix+"helpdesk/sent", http.StatusSeeOther)
	return nil
}

// userKey names the account login finds in the per-user limit and the
// audit: the account itself when the directory knows it, whatever way it was
// typed, else a keyed digest of the normalised text. A directory that cannot
// answer leaves the digest: the request still reaches the helpdesk.
func (f *Flow) userKey(r *http.Request, login string) string {
	if f.Directory == nil {
		return gate.UnknownKey(f.Secret, login)
	}
	u, err := f.Directory.Lookup(r.Context(), login)
	switch {
	case err == nil && u.ID != "":
		return gate.AccountKey(u)
	case err != nil && !errors.Is(err, idp.ErrNotFound) && !errors.Is(err, idp.ErrAmbiguous):
		web.Logger(r.Context()).Warn("the helpdesk could not look the user ID up", "err", err, "request_id", web.RequestID(r.Context()))
	}
	return gate.UnknownKey(f.Secret, login)
}

// sent shows the reference of the request just sent.
func (f *Flow) sent(w http.ResponseWriter, r *http.Request) error {
	var s state
	fl, err := f.load(w, r, &s)
	if errors.Is(err, flows.ErrNoFlow) || (err == nil && fl.Step != stepSent) {
		http.Redirect(w, r, f.opt.Prefix+"helpdesk", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	back := f.opt.SignIn.URL(f.opt.PublicURL, s.ReturnTo)
	f.Pages.Render(w, r, http.StatusOK, "helpdesk_sent", templates.View{Data: SentPage{Reference: s.Reference, Back: back}})
	return nil
}

// reshow renders the form again, with a fresh CAPTCHA, keeping what was typed.
func (f *Flow) reshow(w http.ResponseWriter, r *http.Request, id string, status int, page FormPage) error {
	var s state
	fl, err := f.Engine.Reload(r.Context(), store.KindHelpdesk, id, &s)
	if err != nil {
		return err
	}
	f.render(w, r, fl, &s, status, page)
	return nil
}

func (f *Flow) render(w http.ResponseWriter, r *http.Request, fl store.Flow, s *state, status int, page FormPage) {
	page.MaxMessage = MaxMessage
	page.Back = f.opt.SignIn.URL(f.opt.PublicURL, s.ReturnTo)
	page.CaptchaLength = s.Captcha.Len()
	if f.opt.Captcha {
		p, v := f.opt.Prefix+"helpdesk/", "?v="+strconv.FormatInt(fl.Version, 10)
		page.CaptchaImage, page.CaptchaAudio = p+"captcha.png"+v, p+"captcha.wav"+v
	}
	f.Pages.Render(w, r, status, "helpdesk_form", templates.View{CSRFToken: f.CSRF.Token(w, r, flows.Binding(fl)), Data: page, Here: f.opt.Prefix + "helpdesk"})
}

// stepError answers a form sent twice or in parallel.
func stepError(err error) error {
	if errors.Is(err, flows.ErrWrongStep) {
		return web.WithStatus(http.StatusConflict, err)
	}
	return err
}

// cleanMessage keeps the message as plain text: line breaks as "\n", tabs,
// and no other control characters.
func cleanMessage(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
	return strings.TrimRight(norm.NFC.String(s), " \t\n")
}

// load is Engine.Load counting a helpdesk cookie that names no flow, as
// the gates count theirs (gate.UnknownHandles).
func (f *Flow) load(w http.ResponseWriter, r *http.Request, s *state) (store.Flow, error) {
	return gate.UnknownHandles{Engine: f.Engine, Limits: f.Limits, Audit: f.Audit, ClientIP: f.ClientIP}.Load(w, r, store.KindHelpdesk, s)
}
