package config

import (
	"net/url"
	"time"
)

// SignIn is how users sign in to frontdoor's signed-in pages (change
// password, security info): through the organisation's own IdP, as an OIDC
// relying party or a SAML service provider.
type SignIn struct {
	Protocol string `yaml:"protocol"` // oidc | saml
	OIDC     *OIDC  `yaml:"oidc"`
	SAML     *SAML  `yaml:"saml"`
	// MaxAge is how recent the sign-in must be before a password change or a
	// security-info change; an older one is sent back to the IdP to type the
	// password again (OIDC max_age, SAML ForceAuthn). Default 5m.
	MaxAge Duration `yaml:"max_age"`
	// RequiredAfter are the upstream paths the sign-in form posts to (such
	// as Keycloak's /realms/{realm}/login-actions/authenticate). When the
	// upstream answers such a post by sending the browser on to an
	// application, frontdoor sends it to its "More information required"
	// step first, which goes on to the application. Empty: off.
	RequiredAfter []string `yaml:"required_after"`
	// ClaimMatches is what the IdP's user (signin.oidc.user_claim,
	// signin.saml.user_attribute) must equal on the account found: "login",
	// its primary login name (the directory's first login attribute, such as
	// uid or sAMAccountName; the default), or "mail", one of its mail
	// addresses. The directory finds accounts by any of its login attributes;
	// without this an IdP name equal to someone else's mail address would
	// sign its holder in as that person.
	ClaimMatches string `yaml:"claim_matches"`
}

// What signin.claim_matches may be.
const (
	ClaimMatchesLogin = "login"
	ClaimMatchesMail  = "mail"
)

// OIDC configures frontdoor as an OpenID Connect relying party.
type OIDC struct {
	// Issuer is the provider's issuer URL; its discovery document is read
	// from Issuer + /.well-known/openid-configuration.
	Issuer       string   `yaml:"issuer"`
	ClientID     string   `yaml:"client_id"`
	ClientSecret string   `yaml:"client_secret"`
	Scopes       []string `yaml:"scopes"`
	// UserClaim is the ID token claim whose value is looked up in the
	// directory (default preferred_username).
	UserClaim string `yaml:"user_claim"`
	// CAFile verifies the provider's TLS certificate (default: system roots).
	CAFile string `yaml:"ca_file"`
}

// SAML configures frontdoor as a SAML 2.0 service provider.
type SAML struct {
	IDPMetadataURL  string `yaml:"idp_metadata_url"`
	IDPMetadataFile string `yaml:"idp_metadata_file"`
	// EntityID is frontdoor's own entity ID (default: its metadata URL).
	EntityID string `yaml:"entity_id"`
	// UserAttribute is the assertion attribute whose value is looked up in
	// the directory (default uid); a transient NameID never identifies a user.
	UserAttribute string `yaml:"user_attribute"`
	// KeyFile and CertFile are the SP's signing key and certificate (PEM).
	KeyFile  string `yaml:"key_file"`
	CertFile string `yaml:"cert_file"`
	// CAFile verifies the TLS certificate of idp_metadata_url.
	CAFile string `yaml:"ca_file"`
}

// Sessions configures the signed-in pages' session cookie.
type Sessions struct {
	// Keys authenticate and encrypt the cookie, newest first: the first
	// writes, all read. Each at least 32 characters. Rotate by putting a new
	// key first; retire one by removing it (its sessions end).
	Keys []string `yaml:"keys"`
	// Lifetime is how long a session lasts after the sign-in (default 15m);
	// it is never extended.
	Lifetime Duration `yaml:"lifetime"`
}

// Change configures the password change pages.
type Change struct {
	// Expired offers the change without signing in (user ID, old and new
	// password) to accounts whose password expired or must be changed.
	Expired bool `yaml:"expired"`
}

func (c *Config) signInDefaults() {
	if c.Sessions.Lifetime == 0 {
		c.Sessions.Lifetime = Duration(15 * time.Minute)
	}
	s := c.SignIn
	if s == nil {
		return
	}
	if s.MaxAge == 0 {
		s.MaxAge = Duration(5 * time.Minute)
	}
	def(&s.ClaimMatches, ClaimMatchesLogin)
	if o := s.OIDC; o != nil {
		def(&o.UserClaim, "preferred_username")
		if o.Scopes == nil {
			o.Scopes = []string{"openid", "profile", "email"}
		}
	}
	if m := s.SAML; m != nil {
		def(&m.UserAttribute, "uid")
	}
}

func (c *Config) validateSignIn(p *Problems) {
	if ch := c.Change; ch != nil {
		if c.SignIn == nil && !ch.Expired {
			p.add("change", "needs a signin section (the signed-in change) or expired: true (the change without signing in)")
		}
		if c.Directory == nil {
			p.add("directory", "is required for the change pages")
		}
	}
	ss := c.Sessions
	if l := ss.Lifetime.D(); l < time.Minute || l > 12*time.Hour {
		p.add("sessions.lifetime", "must be between 1m and 12h, such as 15m")
	}
	for i, k := range ss.Keys {
		if len(k) < 32 {
			p.add(idx("sessions.keys", i), "must be at least 32 characters")
		}
	}
	s := c.SignIn
	if s == nil {
		return
	}
	if len(ss.Keys) == 0 {
		p.add("sessions.keys", "at least one key (32 characters or more) is required with signin")
	}
	if c.Directory == nil {
		p.add("directory", "is required with signin: the user who signs in is looked up there")
	}
	if m := s.MaxAge.D(); m < time.Minute || m > ss.Lifetime.D() && ss.Lifetime.D() >= time.Minute {
		p.add("signin.max_age", "must be between 1m and sessions.lifetime, such as 5m")
	}
	oneOf(p, "signin.claim_matches", s.ClaimMatches, ClaimMatchesLogin, ClaimMatchesMail)
	for i, v := range s.RequiredAfter {
		pathPattern(p, idx("signin.required_after", i), v)
	}
	oneOf(p, "signin.protocol", s.Protocol, "oidc", "saml")
	switch s.Protocol {
	case "oidc":
		if s.OIDC == nil {
			p.add("signin.oidc", "is required when signin.protocol is oidc")
			return
		}
		o := s.OIDC
		if u, err := url.Parse(o.Issuer); o.Issuer == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.add("signin.oidc.issuer", "must be the provider's absolute issuer URL, such as https://sso.example.com/realms/main")
		}
		if o.ClientID == "" {
			p.add("signin.oidc.client_id", "is required")
		}
		if o.ClientSecret == "" {
			p.add("signin.oidc.client_secret", "is required (or client_secret_file): frontdoor is a confidential client")
		}
		hasOpenID := false
		for _, sc := range o.Scopes {
			hasOpenID = hasOpenID || sc == "openid"
		}
		if !hasOpenID {
			p.add("signin.oidc.scopes", "must include openid")
		}
		fileExists(p, "signin.oidc.ca_file", o.CAFile)
	case "saml":
		if s.SAML == nil {
			p.add("signin.saml", "is required when signin.protocol is saml")
			return
		}
		m := s.SAML
		if (m.IDPMetadataURL == "") == (m.IDPMetadataFile == "") {
			p.add("signin.saml", "set exactly one of idp_metadata_url or idp_metadata_file")
		}
		if m.IDPMetadataURL != "" {
			if u, err := url.Parse(m.IDPMetadataURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				p.add("signin.saml.idp_metadata_url", "must be an absolute http(s) URL")
			}
		}
		fileExists(p, "signin.saml.idp_metadata_file", m.IDPMetadataFile)
		for key, f := range map[string]string{"signin.saml.key_file": m.KeyFile, "signin.saml.cert_file": m.CertFile} {
			if f == "" {
				p.add(key, "is required: frontdoor signs its requests and its metadata")
			}
			fileExists(p, key, f)
		}
		fileExists(p, "signin.saml.ca_file", m.CAFile)
	}
}
