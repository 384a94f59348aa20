package server

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/register"
	"github.com/frontdoor-sspr/frontdoor/flows/register/enrolment"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/notify/budget"
	"github.com/frontdoor-sspr/frontdoor/phone"
	"github.com/frontdoor-sspr/frontdoor/registration"
)

// registrationParts are the server's registered security info: the
// encrypted store, its keys and the policy; all nil without a registration
// section.
type registrationParts struct {
	store  *registration.Store
	keys   *registration.Keyring
	policy *registration.Policy
	// normalizePhone is the phone parser, for the mobile and office phones.
	normalizePhone func(raw string) (string, error)
}

// buildRegistrations opens the encrypted registrations of the
// configuration's registration section.
func (s *Server) buildRegistrations() error {
	rc := s.cfg.Registration
	if rc == nil {
		return nil
	}
	keys, err := registration.KeyringFromConfig(rc.Keys)
	if err != nil {
		return err
	}
	s.reg.keys = keys
	s.reg.store = &registration.Store{Regs: s.store.Registrations(), Keys: keys, Log: s.log}
	need := 1
	if s.cfg.Reset != nil {
		need = s.cfg.Reset.MethodsRequired
	}
	s.reg.policy = &registration.Policy{Config: *rc, Regs: s.reg.store, MethodsRequired: need, Now: s.now}
	// Numbers are read as the methods read them: the phone section's
	// default region and allowed countries.
	parser := phone.NewParser(s.cfg.Phone)
	s.reg.normalizePhone = func(raw string) (string, error) {
		n, err := parser.Parse(raw)
		return n.E164, err
	}
	return nil
}

// registerTextSender is registerText, or nil without a text gateway.
func (s *Server) registerTextSender() func(ctx context.Context, account, toE164, body string) error {
	if s.phone == nil || s.phone.sender == nil {
		return nil
	}
	return s.registerText
}

// registerText sends the code that verifies a mobile number being
// registered, through the text gateway and within the toll-fraud budget
// that the text method spends from: a page that texts any number typed is
// what a toll fraudster looks for. buildPhone must have run.
func (s *Server) registerText(ctx context.Context, account, toE164, body string) error {
	n, err := phone.NewParser(s.cfg.Phone).Parse(toE164)
	if err != nil {
		return err
	}
	if err := s.phone.budget.Spend(ctx, budget.Text, "id:"+account, n); err != nil {
		return err
	}
	if err := s.phone.sender.Send(ctx, n, body); err != nil {
		s.log.Error("sending a text message failed", "to", n, "provider", s.cfg.Text.Provider, "err", err)
		return err
	}
	s.log.Info("text message sent", "to", n, "provider", s.cfg.Text.Provider)
	return nil
}

// methodRegistrations is what methods.Env gets: nil (not a nil pointer in
// an interface) without registrations.
func (s *Server) methodRegistrations() methods.Registrations {
	if s.reg.store == nil {
		return nil
	}
	return s.reg.store
}

// registeredGate is the gates' registration policy: nil unless
// registration is required.
func (s *Server) registeredGate() func(context.Context, idp.User) (bool, error) {
	if s.reg.policy == nil || !s.reg.policy.Config.Required {
		return nil
	}
	return s.reg.policy.Registered
}

// MustRegister reports whether u must register (or confirm) their security
// info before going on to their application: the sign-in's "more
// information required" page asks it. False without a registration
// section.
func (s *Server) MustRegister(ctx context.Context, u idp.User) (bool, error) {
	if s.reg.policy == nil {
		return false, nil
	}
	return s.reg.policy.MustRegister(ctx, u)
}

// mustRegisterHook is MustRegister for the sign-in's "more information
// required" page, which takes no error: a registration that cannot be read
// is logged and does not stop the user on their way to the application.
func (s *Server) mustRegisterHook() func(context.Context, idp.User) bool {
	return func(ctx context.Context, u idp.User) bool {
		must, err := s.MustRegister(ctx, u)
		if err != nil {
			s.log.Error("the registration policy could not read a registration", "user", u.ID, "err", err)
			return false
		}
		return must
	}
}

// mountRegister mounts the "Security info" page on the sign-in's session:
// current returns the signed-in user, requireRecent demands a recent
// sign-in. The sign-in wiring calls it once its sessions exist; without a
// registration section it mounts nothing.
func (s *Server) mountRegister(current func(*http.Request) (idp.User, bool), requireRecent func(http.Handler) http.Handler) {
	rc := s.cfg.Registration
	if rc == nil || s.reg.store == nil {
		return
	}
	offers := func(names ...string) bool {
		return slices.ContainsFunc(rc.Methods, func(m string) bool { return slices.Contains(names, m) })
	}
	enrolments := enrolment.From(s.registrationMethods(rc.Methods), rc.Methods)
	if s.reg.policy != nil {
		s.reg.policy.Enrolled = func(ctx context.Context, u idp.User, name string) (bool, bool, error) {
			return enrolment.Has(ctx, enrolments, u, name)
		}
	}
	register.New(register.Options{
		Prefix:    s.cfg.Server.Prefix,
		PublicURL: s.cfg.Server.PublicURL,
		Email:     offers("email") && s.mail != nil,
		Mobile:    offers("mobile_text", "mobile_call"),
		Office:    offers("office_call"),
		Required:  s.cfg.Server.Prefix + "required",
		Now:       s.now,
	}, register.Deps{
		Engine: s.engine, CSRF: s.csrf, Pages: s.pages,
		Audit:         &audit.Log{Store: s.store.Audit(), ClientIP: s.clientIP},
		Codes:         &methods.CodeService{Codes: s.store.Codes(), Limits: s.store.Limits(), Secret: s.secret, Now: s.now},
		Registrations: s.reg.store, Sealer: s.reg.keys,
		Current: current, RequireRecent: requireRecent,
		SendEmailCode:  s.sendRegisterCode,
		SendText:       s.registerTextSender(),
		NormalizePhone: s.reg.normalizePhone,
		Notify:         s.notifyRegistration,
		Methods:        enrolments,
	}).Register(s.own)
}

// sendRegisterCode queues the code that verifies a new alternate email.
func (s *Server) sendRegisterCode(r *http.Request, to, code string, ttl time.Duration) {
	s.sendMail(to, "register_code", s.templates.Lang(r), struct {
		Code    string
		Minutes int
	}{code, int(ttl.Minutes())})
}

// notifyRegistration tells the account's addresses (as they were before
// the change) that its security info changed, the new value masked.
func (s *Server) notifyRegistration(r *http.Request, u idp.User, to []string, c register.Change) {
	lang := s.templates.Lang(r)
	data := struct{ Login, What, Action, Masked, Time string }{u.Login, c.What, c.Action, c.Masked, mailTime(c.Time)}
	for _, addr := range to {
		s.sendMail(addr, "register_changed", lang, data)
	}
}

// checkRegistration returns the problems of the registration section that
// the configuration alone cannot tell: methods this build does not have.
func checkRegistration(cfg *config.Config) config.Problems {
	if cfg.Registration == nil {
		return nil
	}
	ps := checkMethods(cfg, "registration.methods", cfg.Registration.Methods)
	if cfg.SignIn == nil {
		// The Security info page lives on the sign-in's session: without a
		// signin section nobody could register, and with required: true
		// nobody could reset.
		ps = append(ps, config.Problem{Path: "signin", Message: "is required with a registration section: users register on the Security info page after signing in"})
	}
	return ps
}

// userAddresses are all of u's mail addresses, the directory's and the
// registered ones, for the confirmations that tell the owner something
// happened to the account.
func (s *Server) userAddresses(ctx context.Context, u idp.User) []string {
	return methods.ContactEmails(ctx, s.methodRegistrations(), []string{config.SourceDirectory, config.SourceRegistered}, u)
}
