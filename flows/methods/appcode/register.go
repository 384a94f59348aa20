package appcode

import "github.com/frontdoor-sspr/frontdoor/flows/methods"

func init() {
	methods.Register(methods.Spec{
		Name:  Name,
		Kind:  methods.KindCode,
		Needs: "an authenticator app registered on the security info page (TOTP, confirmed by one code)",
		New:   func(e methods.Env) methods.Method { return New(e) },
	})
}
