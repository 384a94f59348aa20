package flows

import "github.com/frontdoor-sspr/frontdoor/idp"

// DirectoryPolicyMessage is the message that tells the user why the
// directory's own password policy refused a write.
func DirectoryPolicyMessage(pe *idp.PolicyError) string {
	switch {
	case pe.Has(idp.ReasonHistory):
		return "reset.error.history"
	case pe.Has(idp.ReasonTooYoung):
		return "reset.error.too_young"
	}
	return "reset.error.directory_policy"
}
