package config

import "time"

// Config is the whole configuration file.
type Config struct {
	Server         Server         `yaml:"server"`
	Upstream       Upstream       `yaml:"upstream"`
	Store          Store          `yaml:"store"`
	Organization   string         `yaml:"organization"`
	ProductName    string         `yaml:"product_name"`
	Directory      *Directory     `yaml:"directory"`
	PasswordPolicy PasswordPolicy `yaml:"password_policy"`
	Reset          *Reset         `yaml:"reset"`
	Unlock         *Unlock        `yaml:"unlock"`
	Helpdesk       *Helpdesk      `yaml:"helpdesk"`
	SignIn         *SignIn        `yaml:"signin"`
	Sessions       Sessions       `yaml:"sessions"`
	Change         *Change        `yaml:"change"`
	Captcha        Captcha        `yaml:"captcha"`
	Email          *Email         `yaml:"email"`
	Phone          *Phone         `yaml:"phone"`
	Text           *Text          `yaml:"text"`
	Budgets        Budgets        `yaml:"budgets"`
	Registration   *Registration  `yaml:"registration"`
	Call           *Call          `yaml:"call"`
	Log            Log            `yaml:"log"`
	// SecurityQuestions configures the security_questions method (questions.go).
	SecurityQuestions SecurityQuestions `yaml:"security_questions"`
	// AppNotification configures the app_notification method (appnotify.go).
	AppNotification *AppNotification `yaml:"app_notification"`
	Health          Health           `yaml:"health"`
	Audit           Audit            `yaml:"audit"`

	src *source // where each key is in the file, for Locate
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
	// ReadTimeout is the time a client has to send a request body; a slower
	// body gets 408 and its connection is closed.
	ReadTimeout Duration `yaml:"read_timeout"`
	// HSTS is the Strict-Transport-Security header, sent when PublicURL is https.
	HSTS HSTS `yaml:"hsts"`
	// SecretKey holds the key that signs cookies and CSRF tokens (32+ bytes);
	// empty means a random key per process (flows then do not survive a restart).
	SecretKey string `yaml:"secret_key"`
	// TemplatesDir overrides embedded templates, text and CSS file by file.
	TemplatesDir string `yaml:"templates_dir"`
	// MemoryLimit is the Go runtime's soft memory limit: auto, off or a
	// size (ParseMemoryLimit). The GOMEMLIMIT environment variable wins.
	MemoryLimit string `yaml:"memory_limit"`
	// MaxConcurrent bounds the requests to frontdoor's own pages served at
	// once; the rest wait, in order, at most QueueTimeout, then get 503.
	// Requests passed through to the upstream are not counted.
	MaxConcurrent int      `yaml:"max_concurrent"`
	QueueTimeout  Duration `yaml:"queue_timeout"`
}

// HSTS configures the Strict-Transport-Security header of every response.
type HSTS struct {
	Enabled           *bool    `yaml:"enabled"`
	MaxAge            Duration `yaml:"max_age"`
	IncludeSubdomains bool     `yaml:"include_subdomains"`
}

// Upstream is the existing sign-in service that frontdoor fronts.
type Upstream struct {
	URL          string    `yaml:"url"`
	Preset       string    `yaml:"preset"`
	SignInPaths  []string  `yaml:"sign_in_paths"`
	InjectAfter  string    `yaml:"inject_after"`
	InjectUnlock *bool     `yaml:"inject_unlock"`
	Intercept    Intercept `yaml:"intercept"`
	// BlockPaths are upstream paths never forwarded, in any spelling (the
	// IdP's admin console and API): frontdoor answers 404. The preset gives
	// the default; [] forwards them.
	BlockPaths []string `yaml:"block_paths"`
	// AllowPaths, when not empty, are the only upstream paths forwarded;
	// frontdoor answers 404 to any other. Its own pages and the intercepted
	// paths are answered first.
	AllowPaths []string `yaml:"allow_paths"`
	Timeout    Duration `yaml:"timeout"`
	// PreserveHost forwards the client's Host header, so the upstream builds its
	// URLs for the public name it is reached at.
	PreserveHost *bool `yaml:"preserve_host"`
	// CompressSignIn asks the upstream for sign-in pages uncompressed and has
	// frontdoor compress them once the links are in, for clients that accept
	// gzip or br: cheaper than decoding the upstream's compression and
	// encoding again, as nginx's sub_filter does. On by default; off, a
	// sign-in page keeps the upstream's encoding (decoded, injected and
	// encoded again).
	CompressSignIn *bool `yaml:"compress_sign_in"`
	// SignInURL is where a flow sends the user back when the page it started
	// from is unknown or cannot be shown again (a SimpleSAMLphp page without
	// its AuthState): a path on the public origin or an absolute URL. The
	// preset gives the default, else "/". check-config --connect fetches it.
	SignInURL string `yaml:"sign_in_url"`
}

// Intercept lists upstream paths that frontdoor answers itself. An entry is an
// exact path, a prefix ending in "*", or a pattern with {name} segments; it
// also matches every other spelling of such a path that a lenient upstream
// routes alike (case, repeated slashes, dot segments, ";params", a trailing
// slash or dot, percent-encoding).
type Intercept struct {
	Reset    []string `yaml:"reset"`
	Unlock   []string `yaml:"unlock"`
	Helpdesk []string `yaml:"helpdesk"`
}

// Store is where flows, codes, limits and audit events live.
type Store struct {
	Driver string `yaml:"driver"`
	DSN    string `yaml:"dsn"`
	// FinishedFlows is how long a flow is kept once it has ended (its last
	// page can be shown again meanwhile); see config/audit.go.
	FinishedFlows Duration `yaml:"finished_flows"`
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
	Enabled          Enabled          `yaml:"enabled"`
	Groups           []string         `yaml:"groups"`
	Disclosure       Disclosure       `yaml:"disclosure"`
	MethodsRequired  int              `yaml:"methods_required"`
	Methods          []string         `yaml:"methods"`
	ManagedElsewhere ManagedElsewhere `yaml:"managed_elsewhere"`
	UnlockOnReset    bool             `yaml:"unlock_on_reset"`
	// IdentifyFloor is the least time the user ID step takes (see
	// config/timing.go).
	IdentifyFloor Duration `yaml:"identify_floor"`
}

// ManagedElsewhere marks accounts sent to the administrator instead.
type ManagedElsewhere struct {
	OUs        []string `yaml:"ous"`
	Groups     []string `yaml:"groups"`
	Privileged *bool    `yaml:"privileged"`
}

// Unlock configures the unlock flow.
type Unlock struct {
	Enabled  Enabled  `yaml:"enabled"`
	Groups   []string `yaml:"groups"`
	DailyCap int      `yaml:"daily_cap"`
}

// Helpdesk configures "contact your administrator".
type Helpdesk struct {
	Email string `yaml:"email"`
	Group string `yaml:"group"`
	URL   string `yaml:"url"`
}

// Enabled says who may use a flow.
type Enabled string

// Who may use a flow.
const (
	EnabledNone   Enabled = "none"
	EnabledAll    Enabled = "all"
	EnabledGroups Enabled = "groups" // members of the listed groups only
)

// Disclosure says how much a flow tells about the account it was given.
type Disclosure string

// The disclosure modes.
const (
	// DisclosureGeneric: every user ID walks the same pages (no enumeration).
	DisclosureGeneric Disclosure = "generic"
	// DisclosureDescriptive: the pages say why an account cannot go on.
	DisclosureDescriptive Disclosure = "descriptive"
)

// Captcha configures the bot challenge on identify.
type Captcha struct {
	Provider string `yaml:"provider"` // image | none
	Insecure bool   `yaml:"insecure"`
	// Length is the number of digits to type (4 to 10, default 6).
	Length int `yaml:"length"`
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
	// AllowPlaintext lets tls: none reach a relay that is not on this
	// machine: codes and SMTP credentials then cross the network in clear.
	AllowPlaintext bool `yaml:"allow_plaintext"`
	// Connections is how many messages are sent at once, each in an SMTP
	// session of its own (default 2), kept open for the next messages for up
	// to 30 s. Some relays allow few: Exchange Online takes 3 per mailbox.
	Connections int `yaml:"connections"`
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
