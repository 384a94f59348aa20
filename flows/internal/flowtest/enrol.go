package flowtest

import (
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/register"
)

// NtfyURL is the ntfy server the methods' config of RegisterWith names:
// never contacted at enrolment (a topic is all ntfy needs).
const NtfyURL = "http://ntfy.test"

// RegisterWith is Register with the methods' sections that enrol builds
// from an Env on the Env's store and clock and the page's registrations.
// Its Config has the server's PublicURL and Prefix (the passkeys' relying
// party), the security questions' section with register answers (3 when
// 0), and app notifications through ntfy at NtfyURL. (This package cannot
// import the method packages: their tests import it.)
func (e *Env) RegisterWith(opt register.Options, answers int, enrol func(methods.Env) register.Enrolments) *RegisterEnv {
	return e.registerWith(opt, func(env methods.Env) register.Enrolments {
		env.Config.SecurityQuestions = config.SecurityQuestions{Register: answers}
		env.Config.AppNotification = &config.AppNotification{Provider: "ntfy", Ntfy: &config.Ntfy{URL: NtfyURL}}
		return enrol(env)
	})
}
