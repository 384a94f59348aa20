package config

import (
	"net/url"
	"regexp"
)

// AppNotification configures the app_notification method (package
// flows/methods/appnotify): a push to the user's phone, approved by picking
// the number the page shows.
type AppNotification struct {
	// Provider is "ntfy" or "duo".
	Provider string `yaml:"provider"`
	Ntfy     *Ntfy  `yaml:"ntfy"`
	Duo      *Duo   `yaml:"duo"`
}

// Ntfy is an ntfy-style push server: frontdoor publishes a message with
// approve and deny actions that call back signed, single-use URLs.
type Ntfy struct {
	// URL is the server's base URL, such as https://ntfy.example.com.
	URL string `yaml:"url"`
	// Token is an access token sent as a bearer token (optional).
	Token string `yaml:"token"`
}

// Duo is the Duo Auth API v2.
type Duo struct {
	// APIHost is the API hostname, such as api-1234abcd.duosecurity.com.
	APIHost        string `yaml:"api_host"`
	IntegrationKey string `yaml:"integration_key"`
	SecretKey      string `yaml:"secret_key"`
	// Signature is the HMAC of the request signature: sha512 (default) or sha1.
	Signature string `yaml:"signature"`
}

// ApplyDefaults fills the unset keys of the section with their defaults.
func (a *AppNotification) ApplyDefaults() {
	if a.Duo != nil {
		def(&a.Duo.Signature, "sha512")
	}
}

var duoHostRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*(:[0-9]+)?$`)

func (a *AppNotification) validate(p *Problems) {
	const at = "app_notification."
	switch a.Provider {
	case "ntfy":
		if a.Ntfy == nil {
			p.add(at+"ntfy", "is required when provider is ntfy")
			return
		}
		if u, err := url.Parse(a.Ntfy.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
			p.add(at+"ntfy.url", "must be an absolute http(s) URL without query, such as https://ntfy.example.com")
		}
	case "duo":
		d := a.Duo
		if d == nil {
			p.add(at+"duo", "is required when provider is duo")
			return
		}
		if !duoHostRE.MatchString(d.APIHost) {
			p.add(at+"duo.api_host", "must be a host name such as api-1234abcd.duosecurity.com")
		}
		if len(d.IntegrationKey) < 10 {
			p.add(at+"duo.integration_key", "is required (the integration key of a Duo Auth API application)")
		}
		if len(d.SecretKey) < 20 {
			p.add(at+"duo.secret_key", "is required (use secret_key_file or ${ENV})")
		}
		oneOf(p, at+"duo.signature", d.Signature, "sha512", "sha1")
	default:
		p.add(at+"provider", "%q is not one of ntfy, duo", a.Provider)
	}
}
