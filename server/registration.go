package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/register"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/registration"
)

// registrationParts are the server's registered security info: the
// encrypted store, its keys and the policy; all nil without a registration
// section.
type registrationParts struct {
	store  *registration.Store
	keys   *registration.Keyring
	policy *registration.Policy
	// sendText and normalizePhone are the text gateway and the phone
	// parser, for the mobile and office phones; nil until configured.
	sendText       func(ctx context.Context, toE164, body string) error
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
	s.reg.policy = &registration.Policy{Config: *rc, Regs: s.reg.store, MethodsRequired: need}
	// The phone package's parser (default region, allowed countries) takes
	// over once wired; until then numbers must be international.
	s.reg.normalizePhone = internationalNumber
	return nil
}

// errPhone is the answer of internationalNumber to what is not a number.
var errPhone = errors.New("not a valid phone number in international format")

// internationalNumber returns a number typed in international format
// ("+44 7700 900123") as E.164, and refuses an invalid one. Without a
// default region a national number cannot be read: the page asks for the
// country code.
func internationalNumber(raw string) (string, error) {
	n, err := phonenumbers.Parse(raw, "")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", errPhone
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
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
	register.New(register.Options{
		Prefix:    s.cfg.Server.Prefix,
		PublicURL: s.cfg.Server.PublicURL,
		Email:     offers("email") && s.mail != nil,
		Mobile:    offers("mobile_text", "mobile_call"),
		Office:    offers("office_call"),
	}, register.Deps{
		Engine: s.engine, CSRF: s.csrf, Pages: s.pages,
		Audit:         &audit.Log{Store: s.store.Audit(), ClientIP: s.clientIP},
		Codes:         &methods.CodeService{Codes: s.store.Codes(), Limits: s.store.Limits(), Secret: s.secret, Now: time.Now},
		Registrations: s.reg.store, Sealer: s.reg.keys,
		Current: current, RequireRecent: requireRecent,
		SendEmailCode:  s.sendRegisterCode,
		SendText:       s.reg.sendText,
		NormalizePhone: s.reg.normalizePhone,
		Notify:         s.notifyRegistration,
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
	return checkMethods(cfg, "registration.methods", cfg.Registration.Methods)
}

// userAddresses are all of u's mail addresses, the directory's and the
// registered ones, for the confirmations that tell the owner something
// happened to the account.
func (s *Server) userAddresses(ctx context.Context, u idp.User) []string {
	return methods.ContactEmails(ctx, s.methodRegistrations(), []string{config.SourceDirectory, config.SourceRegistered}, u)
}
