package methods

import (
	"context"
	"slices"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/notify/budget"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// Env is what methods are built from: the shared code service and the
// transports the server has set up.
type Env struct {
	Codes *CodeService
	// SendEmail queues a code email; nil when the configuration has no email.
	SendEmail func(EmailMessage)
	// Registrations reads users' registered security info; nil when the
	// build or the configuration has none.
	Registrations Registrations
	// Config is the whole configuration, for methods with a section of
	// their own.
	Config *config.Config
	// SendText queues a code text message; nil when the configuration has
	// no text section.
	SendText func(TextMessage)
	// Budget is the toll-fraud budget every text and call spends from.
	Budget *budget.Budget
	// Audit records events of what happens after the request that started
	// it (a call's outcome); nil in tests that do not look.
	Audit store.Audit
	// Message returns catalogue message id in the language nearest to lang,
	// for text a method sends outside the pages (a push notification); nil
	// in tests, where methods fall back to the ID.
	Message func(lang, id string, args ...any) string
}

// Registrations reads and writes users' registered security info, already
// decrypted. The document of one user holds one section per owner, named
// by it: "contact" (alternate emails and phones, owned by flows/register),
// and one per method that keeps enrolment data ("security_questions",
// "app_code", "passkey", "app_notification").
type Registrations interface {
	// Section decodes the section name of userID's registration into v; it
	// reports false, and leaves v alone, when there is none.
	Section(ctx context.Context, userID, name string, v any) (bool, error)
	// SetSection replaces the section name with v; nil removes it.
	SetSection(ctx context.Context, userID, name string, v any) error
}

// Spec registers one method: its name, its challenge kind, what it needs
// from the account, its validation and its constructor.
type Spec struct {
	Name string
	Kind Kind
	// Needs says, for operators, what the account must have for the method
	// to be offered.
	Needs string
	// Check returns the problems that keep cfg from running the method as
	// written (a section it needs that is missing).
	Check func(cfg *config.Config) config.Problems
	// New builds the method.
	New func(Env) Method
}

// registry holds every method this build has. Adding a method is one file
// in this package (or a package of its own) and one entry here.
var registry = map[string]Spec{
	"email": {
		Name:  "email",
		Kind:  KindCode,
		Needs: "a mail address on the account (the directory's mail attribute, or a registered alternate email, as registration.use_for_reset says)",
		Check: func(cfg *config.Config) config.Problems {
			if cfg.Email == nil {
				return config.Problems{{Path: "email", Message: "is required when a flow offers the email method"}}
			}
			return nil
		},
		New: func(e Env) Method {
			return &Email{CodeService: e.Codes, Send: e.SendEmail, Registrations: e.Registrations, Sources: Sources(e.Config)}
		},
	},
}

// Register adds a method to the registry; a method package calls it from
// init. It panics on an empty or a duplicate name, a programming error.
func Register(s Spec) {
	if s.Name == "" || s.New == nil {
		panic("methods: Register with an empty name or no constructor")
	}
	if _, dup := registry[s.Name]; dup {
		panic("methods: " + s.Name + " registered twice")
	}
	registry[s.Name] = s
}

// Lookup returns the method registered as name.
func Lookup(name string) (Spec, bool) {
	s, ok := registry[name]
	return s, ok
}

// Names lists the methods this build has, sorted.
func Names() []string {
	ns := make([]string, 0, len(registry))
	for n := range registry {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return ns
}
