package config

import "time"

// Config is the whole configuration file.
type Config struct {
	Server         Server         `yaml:"server"`
	Upstream       Upstream       `yaml:"upstream"`
	Store          Store          `yaml:"store"`
	Organization   string         `yaml:"organization"`
	Directory      *Directory     `yaml:"directory"`
	PasswordPolicy PasswordPolicy `yaml:"password_policy"`
	Reset          *Reset         `yaml:"reset"`
	Unlock         *Unlock        `yaml:"unlock"`
	Helpdesk       *Helpdesk      `yaml:"helpdesk"`
	Captcha        Captcha        `yaml:"captcha"`
	Email          *Email         `yaml:"email"`
	Log            Log            `yaml:"log"`
}

// Server is frontdoor's own listener.
type Server struct {
	Listen         string   `yaml:"listen"`
	PublicURL      string   `yaml:"public_url"`
	MetricsListen  string   `yaml:"metrics_listen"`
	TrustedProxies []string `yaml:"trusted_proxies"`
	// Prefix is where frontdoor's own pages live; it never collides with the upstream.
	Prefix string `yaml:"prefix"`
	// MaxBodyBytes bounds request bodies forwarded to the upstream.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// SecretKey holds the key that signs cookies and CSRF tokens (32+ bytes);
	// empty means a random key per process (flows then do not survive a restart).
	SecretKey string `yaml:"secret_key"`
	// TemplatesDir overrides embedded templates, text and CSS file by file.
	TemplatesDir string `yaml:"templates_dir"`
}

// Upstream is the existing sign-in service that frontdoor fronts.
type Upstream struct {
	URL          string    `yaml:"url"`
	Preset       string    `yaml:"preset"`
	SignInPaths  []string  `yaml:"sign_in_paths"`
	InjectAfter  string    `yaml:"inject_after"`
	InjectUnlock *bool     `yaml:"inject_unlock"`
	Intercept    Intercept `yaml:"intercept"`
	Timeout      Duration  `yaml:"timeout"`
	// PreserveHost forwards the client's Host header, so the upstream builds its
	// URLs for the public name it is reached at.
	PreserveHost *bool `yaml:"preserve_host"`
	// CompressSignIn asks the upstream for sign-in pages uncompressed and has
	// frontdoor compress them once the links are in, for clients that accept
	// gzip or br: cheaper than decoding the upstream's compression and
	// encoding again. Off, a sign-in page keeps the upstream's encoding.
	CompressSignIn bool `yaml:"compress_sign_in"`
}

// Intercept lists upstream paths that frontdoor answers itself. An entry is an
// exact path, a prefix ending in "*", or a pattern with {name} segments.
type Intercept struct {
	Reset    []string `yaml:"reset"`
	Unlock   []string `yaml:"unlock"`
	Helpdesk []string `yaml:"helpdesk"`
}

// Store is where flows, codes, limits and audit events live.
type Store struct {
	Driver string `yaml:"driver"`
	DSN    string `yaml:"dsn"`
}

// Directory is the LDAP directory holding the passwords.
type Directory struct {
	Type            string   `yaml:"type"` // openldap | activedirectory
	URLs            []string `yaml:"urls"`
	StartTLS        bool     `yaml:"start_tls"`
	CAFile          string   `yaml:"ca_file"`
	BindDN          string   `yaml:"bind_dn"`
	BindPassword    string   `yaml:"bind_password"`
	BaseDN          string   `yaml:"base_dn"`
	UserFilter      string   `yaml:"user_filter"`
	LoginAttributes []string `yaml:"login_attributes"`
	// Attributes maps contact and name fields to directory attributes.
	Attributes DirectoryAttributes `yaml:"attributes"`
	// AdminGroups are group DNs whose members are privileged (never self-served).
	AdminGroups []string `yaml:"admin_groups"`
	// RootDN is OpenLDAP's rootdn, which frontdoor must not bind as (it bypasses ppolicy).
	RootDN   string   `yaml:"root_dn"`
	Timeout  Duration `yaml:"timeout"`
	PoolSize int      `yaml:"pool_size"`
	// PolicyHints applies AD password history to admin resets (LDAP_SERVER_POLICY_HINTS).
	PolicyHints *bool `yaml:"policy_hints"`
	// PwdLastSet after an admin reset on AD: "keep" (user need not change) or "expire".
	PwdLastSet string `yaml:"pwd_last_set"`
}

// DirectoryAttributes names the attributes frontdoor reads for a user.
type DirectoryAttributes struct {
	Mail        string `yaml:"mail"`
	Mobile      string `yaml:"mobile"`
	Phone       string `yaml:"phone"`
	GivenName   string `yaml:"given_name"`
	Surname     string `yaml:"surname"`
	DisplayName string `yaml:"display_name"`
}

// PasswordPolicy configures the password rules (package policy).
type PasswordPolicy struct {
	Mode           string   `yaml:"mode"` // entra | nist
	MinLength      int      `yaml:"min_length"`
	MaxLength      int      `yaml:"max_length"`
	MinClasses     int      `yaml:"min_classes"`
	BannedTerms    []string `yaml:"banned_terms"`
	GlobalBanned   *bool    `yaml:"global_banned"`
	MinScore       int      `yaml:"min_strength"` // 0 = off; zxcvbn-style 0-4
	BreachedFile   string   `yaml:"breached_file"`
	BreachedAPIURL string   `yaml:"breached_api_url"`
	SecondFactor   bool     `yaml:"second_factor"` // nist: 8 minimum instead of 15
}

// Reset configures the "forgot my password" flow.
type Reset struct {
	Enabled          string           `yaml:"enabled"` // none | all | groups
	Groups           []string         `yaml:"groups"`
	Disclosure       string           `yaml:"disclosure"` // generic | descriptive
	MethodsRequired  int              `yaml:"methods_required"`
	Methods          []string         `yaml:"methods"`
	ManagedElsewhere ManagedElsewhere `yaml:"managed_elsewhere"`
	UnlockOnReset    bool             `yaml:"unlock_on_reset"`
}

// ManagedElsewhere marks accounts sent to the administrator instead.
type ManagedElsewhere struct {
	OUs        []string `yaml:"ous"`
	Groups     []string `yaml:"groups"`
	Privileged *bool    `yaml:"privileged"`
}

// Unlock configures the unlock flow.
type Unlock struct {
	Enabled  string   `yaml:"enabled"`
	Groups   []string `yaml:"groups"`
	DailyCap int      `yaml:"daily_cap"`
}

// Helpdesk configures "contact your administrator".
type Helpdesk struct {
	Email string `yaml:"email"`
	Group string `yaml:"group"`
	URL   string `yaml:"url"`
}

// Captcha configures the bot challenge on identify.
type Captcha struct {
	Provider string `yaml:"provider"` // image | none
	Insecure bool   `yaml:"insecure"`
}

// Email configures outgoing mail.
type Email struct {
	From string `yaml:"from"`
	SMTP SMTP   `yaml:"smtp"`
}

// SMTP is the mail relay.
type SMTP struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	TLS      string `yaml:"tls"` // none | starttls | tls
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	CAFile   string `yaml:"ca_file"`
}

// Log configures structured logging.
type Log struct {
	Level  string `yaml:"level"`  // debug | info | warn | error
	Format string `yaml:"format"` // json | text
}

// Duration is a time.Duration written as "5s" in YAML.
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }
