package server

import (
	"golang.org/x/text/language"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
)

// methodEnv is what the verification methods are built from.
func (s *Server) methodEnv() methods.Env {
	env := methods.Env{
		Codes:         &methods.CodeService{Codes: s.store.Codes(), Limits: s.store.Limits(), Secret: s.secret, Now: s.now},
		SendEmail:     s.sendCode,
		Config:        s.cfg,
		Budget:        s.phone.budget,
		Registrations: s.methodRegistrations(),
		Audit:         s.store.Audit(),
		Message: func(lang, id string, args ...any) string {
			msg, err := s.templates.Message(language.Make(lang), id, args...)
			if err != nil {
				return id
			}
			return msg
		},
	}
	if s.phone.sender != nil {
		env.SendText = s.sendText
	}
	return env
}

// method builds the method name once per server: the reset's gates and
// the Security info page share one instance (the security questions'
// hasher bounds memory per instance). check has refused names this build
// does not have.
func (s *Server) method(name string, env methods.Env) methods.Method {
	if m, ok := s.built[name]; ok {
		return m
	}
	spec, _ := methods.Lookup(name)
	m := spec.New(env)
	if s.built == nil {
		s.built = map[string]methods.Method{}
	}
	s.built[name] = m
	return m
}

// registrationMethods are the methods offered on the Security info page
// (registration.methods), as built for the gates.
func (s *Server) registrationMethods(names []string) []methods.Method {
	env := s.methodEnv()
	var ms []methods.Method
	for _, name := range names {
		if _, ok := methods.Lookup(name); ok {
			ms = append(ms, s.method(name, env))
		}
	}
	return ms
}
