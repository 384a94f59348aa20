package keycloak

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/internal/loopback"
)

// DefaultTimeout bounds each request to Keycloak when the config sets none.
const DefaultTimeout = 10 * time.Second

// Config is the `directory` section for `type: keycloak`.
type Config struct {
	// BaseURL is Keycloak's address, without /realms or /admin
	// (https://sso.example.com, or https://sso.example.com/auth for a
	// server with the old /auth context path).
	BaseURL string `yaml:"base_url"`
	// Realm holds the users and frontdoor's client.
	Realm string `yaml:"realm"`
	// ClientID and ClientSecret are the confidential client whose service
	// account frontdoor uses (roles view-users and manage-users of
	// realm-management). The secret may be given as client_secret_file.
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"`
	// CAFile is a PEM bundle to verify Keycloak's certificate with, instead
	// of the system roots.
	CAFile string `yaml:"ca_file"`
	// Timeout bounds each request (default 10s).
	Timeout time.Duration `yaml:"timeout"`
	// PrivilegedRoles are realm roles whose holders (directly, through a
	// composite role or a group) are privileged: self-service never touches
	// their passwords.
	PrivilegedRoles []string `yaml:"privileged_roles"`
	// Attributes names the user attributes holding contact data.
	Attributes Attributes `yaml:"attributes"`
}

// Attributes names the Keycloak user attributes frontdoor reads.
type Attributes struct {
	// Mail is an attribute with further mail addresses, after the user's
	// email (optional).
	Mail string `yaml:"mail"`
	// Mobile and Phone hold phone numbers (default "mobile" and "phone").
	Mobile string `yaml:"mobile"`
	Phone  string `yaml:"phone"`
}

// Compile-time check that *Config is a backend configuration.
var _ idp.BackendConfig = (*Config)(nil)

// NewConfig returns an empty Keycloak section for the config loader to
// decode `directory` into.
func NewConfig() idp.BackendConfig { return &Config{} }

// Validate applies the defaults and returns every problem, with keys
// relative to the `directory` section.
func (c *Config) Validate() []idp.Problem {
	var ps []idp.Problem
	add := func(key, msg string) { ps = append(ps, idp.Problem{Key: key, Message: msg}) }
	c.BaseURL = strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	if c.BaseURL == "" {
		add("base_url", "is required")
	} else if u, err := url.Parse(c.BaseURL); err != nil || u.Host == "" ||
		(u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		add("base_url", "must be an http(s) URL such as https://sso.example.com, without credentials or query")
	} else if u.Scheme == "http" && !loopback.Host(u.Hostname()) {
		// New passwords and frontdoor's token would cross the network in clear.
		add("base_url", "must be https (plain http only on a loopback address, for a test setup)")
	}
	if c.Realm == "" {
		add("realm", "is required")
	} else if strings.ContainsAny(c.Realm, "/?#%") {
		add("realm", "must be a realm name, not a path")
	}
	if c.ClientID == "" {
		add("client_id", "is required")
	}
	if c.ClientSecret == "" {
		add("client_secret", "is required (or client_secret_file)")
	}
	if c.CAFile != "" {
		if _, err := loadCA(c.CAFile); err != nil {
			add("ca_file", err.Error())
		}
	}
	if c.Timeout < 0 {
		add("timeout", "must not be negative")
	} else if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	for i, r := range c.PrivilegedRoles {
		if strings.TrimSpace(r) == "" {
			add(fmt.Sprintf("privileged_roles[%d]", i), "must not be empty")
		}
	}
	if c.Attributes.Mobile == "" {
		c.Attributes.Mobile = "mobile"
	}
	if c.Attributes.Phone == "" {
		c.Attributes.Phone = "phone"
	}
	return ps
}

// Open builds the backend. It does not contact Keycloak: a server that is
// down at start makes the first operation fail with idp.ErrUnavailable.
func (c *Config) Open(_ context.Context, log *slog.Logger) (idp.Directory, error) {
	if ps := c.Validate(); len(ps) > 0 {
		errs := make([]error, len(ps))
		for i, p := range ps {
			errs[i] = p
		}
		return nil, errors.Join(errs...)
	}
	return New(*c, log)
}

// loadCA reads a PEM bundle into a pool.
func loadCA(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, errors.New("holds no PEM certificate")
	}
	return pool, nil
}

// httpClient is the client for every request: the CA file's pool when set,
// TLS 1.2 at least, the timeout, and no redirects (the admin API has none;
// following one could send the token elsewhere).
func httpClient(c Config) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pool, err := loadCA(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("keycloak: ca_file: %w", err)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	return &http.Client{
		Transport: tr,
		Timeout:   c.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}
