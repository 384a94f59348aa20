package reset

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/captcha"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/returnto"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// start begins a new flow, remembering the sign-in page to return to.
func (f *Flow) start(w http.ResponseWriter, r *http.Request) error {
	s := state{Captcha: captcha.New()}
	if rt, ok := returnto.Validate(r.URL.Query().Get("return_to"), f.opt.Prefix); ok {
		s.ReturnTo = rt
	}
	fl, err := f.Engine.Start(r.Context(), w, store.KindReset, stepIdentify, &s)
	if err != nil {
		return err
	}
	f.Audit.Record(r, store.Event{Type: audit.FlowStarted, Flow: fl.ID, Outcome: "ok", Detail: map[string]string{"flow": "reset"}})
	f.render(w, r, fl, &s, http.StatusOK, "")
	return nil
}

// load returns the request's reset flow; without one the user starts over.
func (f *Flow) load(w http.ResponseWriter, r *http.Request, s *state) (store.Flow, bool, error) {
	fl, err := f.Engine.Load(r, store.KindReset, s)
	if errors.Is(err, flows.ErrNoFlow) {
		http.Redirect(w, r, f.opt.Prefix+"reset", http.StatusSeeOther)
		return fl, false, nil
	}
	return fl, err == nil, err
}

// loadPost is load plus the CSRF check of a form.
func (f *Flow) loadPost(w http.ResponseWriter, r *http.Request, s *state) (store.Flow, bool, error) {
	fl, ok, err := f.load(w, r, s)
	if !ok || err != nil {
		return fl, ok, err
	}
	if err := f.CSRF.Check(r, flows.Binding(fl)); err != nil {
		return fl, false, web.WithStatus(http.StatusForbidden, err)
	}
	return fl, true, nil
}

func (f *Flow) captchaImage(w http.ResponseWriter, r *http.Request) error {
	return f.writeCaptcha(w, r, "image/png", func(c captcha.Challenge) error { return c.WriteImage(w) })
}

func (f *Flow) captchaAudio(w http.ResponseWriter, r *http.Request) error {
	lang := f.Pages.Templates.Negotiate(r.Header.Get("Accept-Language"))
	base, _ := lang.Base()
	return f.writeCaptcha(w, r, "audio/wav", func(c captcha.Challenge) error { return c.WriteAudio(w, base.String()) })
}

func (f *Flow) writeCaptcha(w http.ResponseWriter, r *http.Request, ctype string, write func(captcha.Challenge) error) error {
	var s state
	fl, err := f.Engine.Load(r, store.KindReset, &s)
	if err != nil || fl.Step != stepIdentify {
		return web.WithStatus(http.StatusNotFound, errors.New("no CAPTCHA for this request"))
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	return write(s.Captcha)
}

// identify checks the CAPTCHA, then the account's eligibility.
func (f *Flow) identify(w http.ResponseWriter, r *http.Request) error {
	var s state
	fl, ok, err := f.loadPost(w, r, &s)
	if !ok || err != nil {
		return err
	}
	ctx := r.Context()
	if ok, _, _, err := f.Limits.Hit(ctx, "identify:ip:"+f.ClientIP(r), identifyWind, identifyMax); err != nil {
		return err
	} else if !ok {
		f.Audit.Record(r, store.Event{Type: audit.Blocked, Flow: fl.ID, Outcome: "rate_limited", Detail: map[string]string{"limit": "identify_ip"}})
		f.render(w, r, fl, &s, http.StatusTooManyRequests, "reset.error.too_many")
		return nil
	}
	login := normalizeLogin(r.PostFormValue("login"))
	// The CAPTCHA is used once, right or wrong: a new one replaces it first.
	answer := r.PostFormValue("captcha")
	passed := false
	err = flows.Advance(ctx, f.Engine, fl.ID, []string{stepIdentify}, func(st *state) (string, error) {
		passed = !f.opt.Captcha || st.Captcha.Check(answer)
		st.Captcha, st.CaptchaOK = captcha.New(), passed
		return stepIdentify, nil
	})
	if err != nil {
		return f.stepError(w, r, err)
	}
	switch {
	case login == "" || utf8.RuneCountInString(login) > maxLoginLen:
		return f.reshow(w, r, "reset.error.login")
	case !passed:
		return f.reshow(w, r, "reset.error.captcha")
	}

	floor := time.Now().Add(f.opt.IdentifyFloor)
	user, key, outcome, err := f.eligibility(ctx, login)
	if err != nil {
		return web.WithStatus(http.StatusServiceUnavailable, err)
	}
	next := stepMethod
	if outcome != "" {
		user = nil // generic mode: walk on, receive nothing
		if f.opt.Reset.Disclosure == "descriptive" {
			next = stepStopped
		}
	}
	err = flows.Advance(ctx, f.Engine, fl.ID, []string{stepIdentify}, func(st *state) (string, error) {
		if !st.CaptchaOK {
			return "", flows.ErrWrongStep
		}
		st.CaptchaOK, st.Login, st.Key, st.User, st.Outcome = false, login, key, user, outcome
		return next, nil
	})
	if err != nil {
		return f.stepError(w, r, err)
	}
	f.Audit.Record(r, store.Event{Type: audit.Identified, Flow: fl.ID, User: key, Outcome: orOK(outcome)})
	time.Sleep(time.Until(floor))
	http.Redirect(w, r, f.stepURL(), http.StatusSeeOther)
	return nil
}

// reshow renders the identify page again with an error message.
func (f *Flow) reshow(w http.ResponseWriter, r *http.Request, msg string) error {
	var s state
	fl, err := f.Engine.Load(r, store.KindReset, &s)
	if err != nil {
		return err
	}
	f.render(w, r, fl, &s, http.StatusUnprocessableEntity, msg)
	return nil
}

// eligibility looks the user up and decides whether the account may reset.
// It returns the rate-limit key and a verdict ("" when eligible).
func (f *Flow) eligibility(ctx context.Context, login string) (*idp.User, string, string, error) {
	u, err := f.Directory.Lookup(ctx, login)
	switch {
	case errors.Is(err, idp.ErrNotFound), errors.Is(err, idp.ErrAmbiguous):
		return nil, "login:" + strings.ToLower(login), outcomeNotFound, nil
	case err != nil:
		return nil, "", "", err
	}
	key := "dn:" + strings.ToLower(u.DN)
	if _, blocked, err := f.Limits.Blocked(ctx, "reset-block:"+key); err != nil {
		return nil, "", "", err
	} else if blocked {
		return &u, key, outcomeBlocked, nil
	}
	rc := f.opt.Reset
	if u.Disabled || rc.Enabled == "none" {
		return &u, key, outcomeNotEnabled, nil
	}
	if rc.Enabled == "groups" {
		in, err := f.memberOfAny(ctx, u, rc.Groups)
		if err != nil {
			return nil, "", "", err
		}
		if !in {
			return &u, key, outcomeNotEnabled, nil
		}
	}
	managed := u.Privileged && (rc.ManagedElsewhere.Privileged == nil || *rc.ManagedElsewhere.Privileged)
	for _, ou := range rc.ManagedElsewhere.OUs {
		managed = managed || strings.HasSuffix(strings.ToLower(u.DN), ","+strings.ToLower(ou))
	}
	if !managed && len(rc.ManagedElsewhere.Groups) > 0 {
		if managed, err = f.memberOfAny(ctx, u, rc.ManagedElsewhere.Groups); err != nil {
			return nil, "", "", err
		}
	}
	if managed {
		return &u, key, outcomeContactAdmin, nil
	}
	usable := 0
	for _, m := range f.Methods {
		if _, ok := m.Hint(u); ok {
			usable++
		}
	}
	if usable < rc.MethodsRequired {
		return &u, key, outcomeNoMethod, nil
	}
	return &u, key, "", nil
}

func (f *Flow) memberOfAny(ctx context.Context, u idp.User, groups []string) (bool, error) {
	gm, ok := f.Directory.(idp.GroupMember)
	if !ok {
		return false, errors.New("reset: the directory cannot tell group membership")
	}
	for _, g := range groups {
		in, err := gm.IsMember(ctx, u, g)
		if err != nil || in {
			return in, err
		}
	}
	return false, nil
}

// normalizeLogin trims spaces and composes Unicode, as users type IDs in
// many ways; the directory compares case-insensitively.
func normalizeLogin(s string) string {
	return norm.NFC.String(strings.TrimSpace(s))
}

func orOK(outcome string) string {
	if outcome == "" {
		return "ok"
	}
	return outcome
}
