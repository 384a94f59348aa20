package methods

import (
	"slices"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// Env is what methods are built from: the shared code service and the
// transports the server has set up.
type Env struct {
	Codes *CodeService
	// SendEmail queues a code email; nil when the configuration has no email.
	SendEmail func(EmailMessage)
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
		Needs: "a mail address on the account (the directory's mail attribute)",
		Check: func(cfg *config.Config) config.Problems {
			if cfg.Email == nil {
				return config.Problems{{Path: "email", Message: "is required when a flow offers the email method"}}
			}
			return nil
		},
		New: func(e Env) Method { return &Email{CodeService: e.Codes, Send: e.SendEmail} },
	},
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
