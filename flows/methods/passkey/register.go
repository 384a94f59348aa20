package passkey

import (
	"net/url"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
)

func init() {
	methods.Register(methods.Spec{
		Name:  Name,
		Kind:  KindPasskey,
		Needs: "a passkey registered on the security info page (WebAuthn, user verification required)",
		Check: func(cfg *config.Config) config.Problems {
			if _, err := relyingParty(cfg); err != nil {
				return config.Problems{{Path: "server.public_url", Message: "must be a URL whose host can be a WebAuthn relying party ID for the passkey method: " + err.Error()}}
			}
			return nil
		},
		New: func(e methods.Env) methods.Method { return New(e) },
	})
}

// relyingParty is the WebAuthn configuration for frontdoor's public URL:
// the relying party ID is its host name, the origin its scheme and host.
func relyingParty(cfg *config.Config) (*webauthn.WebAuthn, error) {
	u, err := url.Parse(cfg.Server.PublicURL)
	if err != nil {
		return nil, err
	}
	name := cfg.Organization
	if name == "" {
		name = "frontdoor"
	}
	return webauthn.New(&webauthn.Config{RPID: u.Hostname(), RPDisplayName: name,
		RPOrigins: []string{u.Scheme + "://" + u.Host}})
}

// New builds the method from the shared environment.
func New(e methods.Env) *Passkey {
	p := &Passkey{Registrations: e.Registrations, Now: time.Now}
	if e.Codes != nil {
		p.Codes, p.Limits, p.Secret = e.Codes.Codes, e.Codes.Limits, e.Codes.Secret
		if e.Codes.Now != nil {
			p.Now = e.Codes.Now
		}
	}
	if e.Config != nil {
		p.WebAuthn, _ = relyingParty(e.Config) // Check refused a URL that fails
	}
	return p
}
