package questions

import (
	"slices"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
)

func init() {
	methods.Register(methods.Spec{
		Name:  Name,
		Kind:  methods.KindQuestions,
		Needs: "registered security questions (security info page); never offered to privileged accounts",
		Check: check,
		New:   func(e methods.Env) methods.Method { return New(e) },
	})
}

// check refuses a reset whose two gates could both be weak: when two are
// required, another method must be listed to pair the questions with.
func check(cfg *config.Config) config.Problems {
	if cfg.Reset == nil || cfg.Reset.MethodsRequired < 2 {
		return nil
	}
	others := slices.DeleteFunc(slices.Clone(cfg.Reset.Methods), func(n string) bool { return n == Name })
	if len(others) == 0 {
		return config.Problems{{Path: "reset.methods", Message: "security_questions cannot be the only gate when methods_required is 2: list another method"}}
	}
	return nil
}
