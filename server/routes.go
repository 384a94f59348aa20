package server

import (
	"errors"
	"net/http"

	"golang.org/x/text/language"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/flows/helpdesk"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/reset"
	"github.com/frontdoor-sspr/frontdoor/flows/unlock"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/notify"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// ownCookies are frontdoor's cookies, which the proxy keeps from the
// upstream: the CSRF cookie and, over https (path /), the flow cookies.
func (s *Server) ownCookies() []string {
	cs := []string{s.csrf.CookieName()}
	for _, kind := range []string{store.KindReset, store.KindUnlock, store.KindHelpdesk, store.KindRegister} {
		cs = append(cs, s.engine.CookieName(kind))
	}
	return append(cs, s.signInCookies()...)
}

// routes mounts frontdoor's own pages under the prefix.
func (s *Server) routes() {
	s.engine = flows.NewEngine(flows.Options{Flows: s.store.Flows(), Prefix: s.cfg.Server.Prefix, Secure: isHTTPS(s.cfg.Server.PublicURL),
		Finished: s.cfg.Store.FinishedFlows.D(), Secret: s.secret, Limits: s.store.Limits(), Now: s.now})
	cfg, prefix := s.cfg, s.cfg.Server.Prefix
	s.own.Handle("GET "+prefix+"static/", s.templates.StaticHandler())
	engine := s.engine
	auditLog := &audit.Log{Store: s.store.Audit(), ClientIP: s.clientIP}
	s.audit = auditLog
	var gates gate.Deps
	if s.directory != nil && s.cfg.Reset != nil {
		gates = gate.Deps{Engine: engine, CSRF: s.csrf, Pages: s.pages, Directory: s.directory,
			Methods: s.methods(), Limits: s.store.Limits(), Audit: auditLog, ClientIP: s.clientIP, Secret: s.secret,
			Registered: s.registeredGate(), LockAccount: storeAccountLock(s.store), Refused: s.alertRefused, Blocked: s.noticeBlocked}
		s.mountCallbacks(gates.Methods)
		for _, m := range gates.Methods {
			if mt, ok := m.(methods.Mounter); ok {
				mt.Mount(s.own, prefix)
			}
		}
	}

	if s.resetAvailable() {
		reset.New(reset.Options{
			Reset: *cfg.Reset, PublicURL: cfg.Server.PublicURL, Prefix: prefix, SignIn: signIn(cfg.Upstream),
			Captcha: cfg.Captcha.Provider != "none", CaptchaLength: cfg.Captcha.Length,
			IdentifyFloor: cfg.Reset.IdentifyFloor.D(),
		}, reset.Deps{Deps: gates, Policy: s.policy, Confirm: s.confirmReset}).Register(s.own)
	} else {
		s.own.Handle("GET "+prefix+"reset", s.notice("not_configured"))
	}
	if s.unlockAvailable() {
		unlock.New(unlock.Options{
			Unlock: *cfg.Unlock, Reset: *cfg.Reset, PublicURL: cfg.Server.PublicURL, Prefix: prefix, SignIn: signIn(cfg.Upstream),
			Captcha: cfg.Captcha.Provider != "none", CaptchaLength: cfg.Captcha.Length,
			IdentifyFloor: cfg.Reset.IdentifyFloor.D(),
		}, unlock.Deps{Deps: gates, Unlocked: s.confirmUnlock, Capped: s.alertCapped}).Register(s.own)
	} else {
		s.own.Handle("GET "+prefix+"unlock", s.notice("not_configured"))
	}
	if h := cfg.Helpdesk; h != nil {
		helpdesk.New(helpdesk.Options{
			Prefix: prefix, PublicURL: cfg.Server.PublicURL, SignIn: signIn(cfg.Upstream), URL: h.URL, Captcha: cfg.Captcha.Provider != "none", CaptchaLength: cfg.Captcha.Length,
		}, helpdesk.Deps{
			Engine: engine, CSRF: s.csrf, Pages: s.pages, Limits: s.store.Limits(), Audit: auditLog,
			ClientIP: s.clientIP, Recipients: s.helpdeskRecipients, Send: s.sendHelpdesk, Secret: s.secret,
			Directory: s.directory,
		}).Register(s.own)
	} else {
		s.own.Handle("GET "+prefix+"helpdesk", s.notice("helpdesk_none"))
	}
	s.signInRoutes(auditLog)
	s.own.Handle(prefix, s.pages.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return webNotFound
	}))
}

// resetAvailable tells whether the configuration sets up the reset flow;
// check has made sure it has what it needs.
func (s *Server) resetAvailable() bool {
	return s.cfg.Reset != nil && s.cfg.Reset.Enabled != config.EnabledNone
}

// unlockAvailable tells whether the configuration sets up the unlock flow;
// check has made sure it has a reset section to take its gates from and a
// directory that can unlock.
func (s *Server) unlockAvailable() bool {
	return s.cfg.Unlock != nil && s.cfg.Unlock.Enabled != config.EnabledNone
}

// notice renders a page that only says something (not set up yet, coming).
func (s *Server) notice(page string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.pages.Render(w, r, http.StatusOK, page, templates.View{Data: templates.Notice{Back: s.home()}})
	})
}

// methods builds the configured verification methods, in the configured
// order; check has refused any this build does not have.
func (s *Server) methods() []methods.Method {
	env := s.methodEnv()
	var ms []methods.Method
	for _, name := range s.cfg.Reset.Methods {
		ms = append(ms, s.method(name, env))
	}
	return ms
}

// sendCode queues the verification-code email; a decoy (no To) is rendered
// and queued alike, and the queue sends it to nobody.
func (s *Server) sendCode(m methods.EmailMessage) {
	s.sendMail(m.To, "code", language.Make(m.Lang), struct {
		Code    string
		Minutes int
	}{m.Code, int(m.TTL.Minutes())})
}

// confirmReset tells the user their password was reset, at every address on
// the account.
func (s *Server) confirmReset(r *http.Request, u idp.User) {
	s.tellOwner(r, u, "reset_done", s.userAddresses(r.Context(), u), s.templates.Lang(r))
	s.alertAdmins(r, "reset", u)
}

func (s *Server) sendMail(to, name string, lang language.Tag, data any) {
	subject, text, htmlBody, err := s.templates.RenderEmail(name, lang, data)
	if err != nil {
		s.log.Error("rendering an email failed", "email", name, "err", err)
		return
	}
	var rcpt []string
	if to != "" {
		rcpt = []string{to}
	}
	s.mail.Enqueue(notify.Message{To: rcpt, Subject: subject, Text: text, HTML: htmlBody,
		FromName: s.templates.FromName(lang), Kind: name})
}

var webNotFound = web.WithStatus(http.StatusNotFound, errors.New("no such page"))
