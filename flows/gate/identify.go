package gate

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/captcha"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// start offers a new flow, remembering the sign-in page to return to.
func (g *Gate) start(w http.ResponseWriter, r *http.Request) error {
	s := State{Captcha: captcha.NewOfLength(g.opt.CaptchaLength)}
	if rt, ok := g.opt.SignIn.Keep(r.URL.Query().Get("return_to"), g.opt.Prefix); ok {
		s.ReturnTo = rt
	}
	// Offered, not stored: a bare GET leaves nothing behind (see keep).
	fl, err := g.Engine.Offer(w, g.opt.Kind, StepIdentify, &s)
	if errors.Is(err, flows.ErrOfferTooLarge) {
		s.ReturnTo = "" // too long to carry: the end page links to the site's root
		fl, err = g.Engine.Offer(w, g.opt.Kind, StepIdentify, &s)
	}
	if err != nil {
		return err
	}
	g.Render(w, r, fl, &s, http.StatusOK, "")
	return nil
}

// Load returns the request's flow; without one the user is sent to start
// over and ok is false. A flow cookie that names no flow counts against
// the limits on unknown handles (handles.go).
func (g *Gate) Load(w http.ResponseWriter, r *http.Request, s *State) (fl store.Flow, ok bool, err error) {
	fl, err = g.load(w, r, s)
	if errors.Is(err, flows.ErrNoFlow) {
		http.Redirect(w, r, g.opt.Prefix+g.opt.Kind, http.StatusSeeOther)
		return fl, false, nil
	}
	return fl, err == nil, err
}

// LoadPost is Load plus the CSRF check of a form.
func (g *Gate) LoadPost(w http.ResponseWriter, r *http.Request, s *State) (store.Flow, bool, error) {
	fl, ok, err := g.Load(w, r, s)
	if !ok || err != nil {
		return fl, ok, err
	}
	if err := g.CSRF.Check(r, flows.Binding(fl)); err != nil {
		return fl, false, web.WithStatus(http.StatusForbidden, err)
	}
	return fl, true, nil
}

func (g *Gate) captchaImage(w http.ResponseWriter, r *http.Request) error {
	return g.writeCaptcha(w, r, "image", "image/png", func(c captcha.Challenge) error { return c.WriteImage(w) })
}

func (g *Gate) captchaAudio(w http.ResponseWriter, r *http.Request) error {
	base, _ := g.Pages.Templates.Lang(r).Base()
	return g.writeCaptcha(w, r, "audio", "audio/wav", func(c captcha.Challenge) error { return c.WriteAudio(w, base.String()) })
}

func (g *Gate) writeCaptcha(w http.ResponseWriter, r *http.Request, kind, ctype string, write func(captcha.Challenge) error) error {
	var s State
	fl, err := g.load(w, r, &s)
	if errors.Is(err, ErrUnknownHandles) {
		return err
	}
	if err != nil || fl.Step != StepIdentify {
		return web.WithStatus(http.StatusNotFound, errors.New("no CAPTCHA for this request"))
	}
	if err := AllowCaptcha(r.Context(), w, g.Limits, g.ClientIP(r), kind, s.Captcha); err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	return write(s.Captcha)
}

// identify checks the CAPTCHA, then the account's eligibility.
func (g *Gate) identify(w http.ResponseWriter, r *http.Request) error {
	var s State
	fl, ok, err := g.LoadPost(w, r, &s)
	if !ok || err != nil {
		return err
	}
	ctx := r.Context()
	if ok, _, retry, err := g.Limits.Hit(ctx, "identify:ip:"+g.ClientIP(r), identifyWind, identifyMax); err != nil {
		return err
	} else if !ok {
		RecordRefusal(r, g.Limits, g.Audit, "identify:ip:"+g.ClientIP(r), identifyWind,
			store.Event{Type: audit.Blocked, Flow: fl.ID, Outcome: "rate_limited", Detail: map[string]string{"limit": "identify_ip"}})
		w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())+1))
		g.Render(w, r, fl, &s, http.StatusTooManyRequests, "reset.error.too_many")
		return nil
	}
	if fl, err = g.keep(w, r, fl); err != nil {
		return g.StepError(w, r, err)
	}
	login := NormalizeLogin(r.PostFormValue("login"))
	// The CAPTCHA is used once, right or wrong: a new one replaces it first.
	answer := web.SingleValue(r, "captcha") // missing or repeated: "", which no CAPTCHA accepts
	passed := false
	fl, err = flows.Advance(ctx, g.Engine, fl, []string{StepIdentify}, func(st *State) (string, error) {
		passed = !g.opt.Captcha || st.Captcha.Check(answer)
		st.Captcha, st.CaptchaOK = captcha.NewOfLength(g.opt.CaptchaLength), passed
		return StepIdentify, nil
	})
	if err != nil {
		return g.StepError(w, r, err)
	}
	switch {
	case login == "" || utf8.RuneCountInString(login) > maxLoginLen:
		return g.reshow(w, r, fl.ID, "reset.error.login")
	case !passed:
		return g.reshow(w, r, fl.ID, "reset.error.captcha")
	}

	began := time.Now()
	user, key, outcome, err := g.eligibility(ctx, login)
	if err != nil {
		return web.Down("directory", err)
	}
	// An account managed elsewhere is reported for the helpdesk's alert
	// once the step has taken its least time, as the page is answered.
	var refused *idp.User
	if outcome == outcomeManaged {
		outcome, refused = OutcomeContactAdmin, user
	}
	next := StepMethod
	if outcome != "" {
		user = nil // generic mode: walk on, receive nothing
		if g.opt.Policy.Disclosure == config.DisclosureDescriptive {
			next = StepStopped
		}
	}
	_, err = flows.Advance(ctx, g.Engine, fl, []string{StepIdentify}, func(st *State) (string, error) {
		if !st.CaptchaOK {
			return "", flows.ErrWrongStep
		}
		st.CaptchaOK, st.Login, st.Key, st.User, st.Outcome = false, login, key, user, outcome
		return next, nil
	})
	if err != nil {
		return g.StepError(w, r, err)
	}
	g.Audit.Record(r, store.Event{Type: audit.Identified, Flow: fl.ID, User: key, Outcome: OrOK(outcome)})
	g.identifyFloor.Wait(ctx, began)
	if refused != nil && g.Refused != nil {
		g.Refused(r, g.opt.Kind, *refused)
	}
	http.Redirect(w, r, g.StepURL(), http.StatusSeeOther)
	return nil
}

// reshow renders the identify page of flow id again with an error message.
func (g *Gate) reshow(w http.ResponseWriter, r *http.Request, id, msg string) error {
	var s State
	fl, err := g.Engine.Reload(r.Context(), g.opt.Kind, id, &s)
	if err != nil {
		return err
	}
	g.Render(w, r, fl, &s, http.StatusUnprocessableEntity, msg)
	return nil
}

// eligibility looks the user up and decides whether the account may go on.
// It returns the rate-limit key and a verdict ("" when eligible):
// outcomeManaged for an account managed elsewhere, which identify shows and
// records as OutcomeContactAdmin.
func (g *Gate) eligibility(ctx context.Context, login string) (*idp.User, string, string, error) {
	u, err := g.Directory.Lookup(ctx, login)
	switch {
	case errors.Is(err, idp.ErrNotFound), errors.Is(err, idp.ErrAmbiguous):
		return nil, UnknownKey(g.Secret, login), OutcomeNotFound, nil
	case err != nil:
		return nil, "", "", err
	}
	if u.ID == "" {
		return nil, "", "", errors.New("gate: the directory returned an account without a stable ID")
	}
	key := AccountKey(u)
	if _, blocked, err := g.Limits.Blocked(ctx, "reset-block:"+key); err != nil {
		return nil, "", "", err
	} else if blocked {
		return &u, key, OutcomeBlocked, nil
	}
	if g.opt.Verdict != nil {
		if v := g.opt.Verdict(u); v != "" {
			return &u, key, v, nil
		}
	}
	pol := g.opt.Policy
	if u.Disabled || u.Expired || pol.Enabled == config.EnabledNone {
		return &u, key, OutcomeNotEnabled, nil
	}
	if pol.Enabled == config.EnabledGroups {
		in, err := g.memberOfAny(ctx, u, pol.Groups)
		if err != nil {
			return nil, "", "", err
		}
		if !in {
			return &u, key, OutcomeNotEnabled, nil
		}
	}
	me := pol.ManagedElsewhere
	managed := u.Privileged && (me.Privileged == nil || *me.Privileged)
	if c, ok := g.Directory.(idp.Container); ok {
		for _, ou := range me.OUs {
			managed = managed || c.InContainer(u, ou)
		}
	}
	if !managed && len(me.Groups) > 0 {
		if managed, err = g.memberOfAny(ctx, u, me.Groups); err != nil {
			return nil, "", "", err
		}
	}
	if managed {
		return &u, key, outcomeManaged, nil
	}
	if g.Registered != nil {
		ok, err := g.Registered(ctx, u)
		if err != nil {
			return nil, "", "", err
		}
		if !ok {
			return &u, key, OutcomeNotRegistered, nil
		}
	}
	usable := 0
	for _, m := range g.Methods {
		if _, ok := m.Hint(ctx, u); ok {
			usable++
		}
	}
	if usable < g.required(&State{User: &u}) {
		return &u, key, OutcomeNoMethod, nil
	}
	return &u, key, "", nil
}

func (g *Gate) memberOfAny(ctx context.Context, u idp.User, groups []string) (bool, error) {
	gm, ok := g.Directory.(idp.GroupMember)
	if !ok {
		return false, errors.New("gate: the directory cannot tell group membership")
	}
	for _, grp := range groups {
		in, err := gm.IsMember(ctx, u, grp)
		if err != nil || in {
			return in, err
		}
	}
	return false, nil
}

// AccountKey names an account in rate limits, blocks and audit events: the
// backend's stable ID, whatever the login typed or the entry's place.
func AccountKey(u idp.User) string { return "id:" + u.ID }

// NormalizeLogin trims spaces and applies compatibility composition (NFKC),
// as directories fold the ways users type IDs: fullwidth letters, odd
// spaces and ligatures find the same account as their plain forms.
func NormalizeLogin(s string) string {
	// NFKC turns the odd spaces (no-break, em, ideographic) into plain ones;
	// runs of them inside count as one. Line breaks and other controls stay,
	// for the callers' validation to refuse.
	s = strings.TrimSpace(norm.NFKC.String(s))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' }), " ")
}

// UnknownKey names a typed user ID that matched no account in rate limits
// and audit events: a keyed digest of its folded form, never the text itself
// (a password typed into the ID field must not be kept, nor be guessable
// from the store without the server's key).
func UnknownKey(secret []byte, login string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("unknown login\x00" + strings.ToLower(login)))
	return "login:" + hex.EncodeToString(m.Sum(nil)[:12])
}

// OrOK returns outcome, or "ok" for the empty verdict.
func OrOK(outcome string) string {
	if outcome == "" {
		return "ok"
	}
	return outcome
}
