package ldap

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Config is the `directory` section for the openldap and activedirectory
// types: the backend owns it, its defaults and its validation.
type Config struct {
	// Dialect is set from directory.type by the constructor, not decoded.
	Dialect Dialect `yaml:"-"`

	URLs            []string `yaml:"urls"`
	StartTLS        bool     `yaml:"start_tls"`
	CAFile          string   `yaml:"ca_file"`
	BindDN          string   `yaml:"bind_dn"`
	BindPassword    string   `yaml:"bind_password"`
	BaseDN          string   `yaml:"base_dn"`
	UserFilter      string   `yaml:"user_filter"`
	LoginAttributes []string `yaml:"login_attributes"`
	// Attributes maps contact and name fields to directory attributes.
	Attributes Attributes `yaml:"attributes"`
	// AdminGroups are group DNs whose members are privileged (never self-served).
	AdminGroups []string `yaml:"admin_groups"`
	// RootDN is OpenLDAP's rootdn, which frontdoor must not bind as (it bypasses ppolicy).
	RootDN   string        `yaml:"root_dn"`
	Timeout  time.Duration `yaml:"timeout"`
	PoolSize int           `yaml:"pool_size"`
	// PolicyHints applies AD password history to admin resets (LDAP_SERVER_POLICY_HINTS).
	PolicyHints *bool `yaml:"policy_hints"`
	// PasswordPolicyDN is OpenLDAP's default password policy entry
	// (ppolicy_default): accounts without a pwdPolicySubentry of their own
	// take pwdMaxAge from it, to tell an expired password. Empty: only
	// per-account policies are read.
	PasswordPolicyDN string `yaml:"password_policy_dn"`
	// PwdLastSet after an admin reset on AD: "keep" (user need not change) or "expire".
	PwdLastSet string `yaml:"pwd_last_set"`
}

// Attributes names the attributes frontdoor reads for a user.
type Attributes struct {
	Mail        string `yaml:"mail"`
	Mobile      string `yaml:"mobile"`
	Phone       string `yaml:"phone"`
	GivenName   string `yaml:"given_name"`
	Surname     string `yaml:"surname"`
	DisplayName string `yaml:"display_name"`
}

var _ idp.BackendConfig = (*Config)(nil)

// NewOpenLDAPConfig returns an empty configuration of the openldap type.
func NewOpenLDAPConfig() idp.BackendConfig { return &Config{Dialect: OpenLDAP} }

// NewActiveDirectoryConfig returns an empty configuration of the
// activedirectory type.
func NewActiveDirectoryConfig() idp.BackendConfig { return &Config{Dialect: ActiveDirectory} }

// Open implements idp.BackendConfig.
func (c *Config) Open(_ context.Context, log *slog.Logger) (idp.Directory, error) {
	d, err := New(*c)
	if err != nil {
		return nil, err
	}
	d.Log = log
	return d, nil
}

// ApplyDefaults fills what the configuration left empty, per dialect.
func (c *Config) ApplyDefaults() {
	if c.Dialect == ActiveDirectory {
		if len(c.LoginAttributes) == 0 {
			c.LoginAttributes = []string{"sAMAccountName", "userPrincipalName", "mail"}
		}
		def(&c.UserFilter, "(&(objectCategory=person)(objectClass=user))")
	} else {
		if len(c.LoginAttributes) == 0 {
			c.LoginAttributes = []string{"uid", "mail"}
		}
		def(&c.UserFilter, "(objectClass=inetOrgPerson)")
	}
	a := &c.Attributes
	def(&a.Mail, "mail")
	def(&a.Mobile, "mobile")
	def(&a.Phone, "telephoneNumber")
	def(&a.GivenName, "givenName")
	def(&a.Surname, "sn")
	def(&a.DisplayName, "displayName")
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.PoolSize <= 0 {
		c.PoolSize = 4
	}
	if c.PolicyHints == nil {
		t := true
		c.PolicyHints = &t
	}
	def(&c.PwdLastSet, "keep")
}

var attrRE = regexp.MustCompile(`^[A-Za-z][-A-Za-z0-9]*$`)

// Validate implements idp.BackendConfig: defaults, then every problem with
// its key relative to the directory section.
func (c *Config) Validate() []idp.Problem {
	c.ApplyDefaults()
	var ps []idp.Problem
	add := func(key, format string, args ...any) {
		ps = append(ps, idp.Problem{Key: key, Message: fmt.Sprintf(format, args...)})
	}
	if len(c.URLs) == 0 {
		add("urls", "needs at least one ldap:// or ldaps:// URL")
	}
	for i, raw := range c.URLs {
		u, err := url.Parse(raw)
		key := "urls[" + strconv.Itoa(i) + "]"
		switch {
		case err != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Host == "":
			add(key, "%q must be an ldap:// or ldaps:// URL", raw)
		case c.Dialect == ActiveDirectory && u.Scheme == "ldap" && !c.StartTLS:
			add(key, "Active Directory only accepts passwords over TLS: use ldaps:// or set directory.start_tls")
		case u.Scheme == "ldap" && !c.StartTLS:
			add(key, "passwords would cross the network in clear: use ldaps:// or set directory.start_tls")
		}
	}
	if c.BindDN == "" {
		add("bind_dn", "is required: frontdoor binds as a service account")
	}
	if c.BindPassword == "" {
		add("bind_password", "is required (or bind_password_file)")
	}
	if c.BaseDN == "" {
		add("base_dn", "is required")
	}
	if c.Dialect == OpenLDAP && c.isRootDN() {
		add("bind_dn", "is the OpenLDAP rootdn, which bypasses ppolicy and ACLs: bind as a dedicated service account")
	}
	for i, a := range c.LoginAttributes {
		if !attrRE.MatchString(a) {
			add("login_attributes["+strconv.Itoa(i)+"]", "%q is not an attribute name", a)
		}
	}
	if c.CAFile != "" {
		if _, err := os.Stat(c.CAFile); err != nil {
			add("ca_file", "cannot read %s: %v", c.CAFile, err)
		}
	}
	if c.PwdLastSet != "keep" && c.PwdLastSet != "expire" {
		add("pwd_last_set", "%q is not one of keep, expire", c.PwdLastSet)
	}
	if c.PoolSize < 1 || c.PoolSize > 64 {
		add("pool_size", "must be between 1 and 64")
	}
	return ps
}

// isRootDN tells whether the bind DN is the configured rootdn or, when none is
// configured, one of the names a rootdn conventionally has.
func (c *Config) isRootDN() bool {
	bind := normDN(c.BindDN)
	if c.RootDN != "" {
		return strings.EqualFold(bind, normDN(c.RootDN))
	}
	for _, cn := range []string{"admin", "manager", "root"} {
		if strings.EqualFold(bind, normDN("cn="+cn+","+c.BaseDN)) {
			return true
		}
	}
	return false
}

func def(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

// UsePhoneAttributes lets the phone section name the attributes of the
// mobile and office numbers. It returns the key of an attribute already set
// here to another name, or "".
func (c *Config) UsePhoneAttributes(mobile, office string) string {
	for _, a := range []struct {
		key  string
		cur  *string
		name string
	}{{"attributes.mobile", &c.Attributes.Mobile, mobile}, {"attributes.phone", &c.Attributes.Phone, office}} {
		if a.name == "" {
			continue
		}
		if *a.cur != "" && !strings.EqualFold(*a.cur, a.name) {
			return a.key
		}
		*a.cur = a.name
	}
	return ""
}
