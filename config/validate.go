package config

import (
	"net"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/frontdoor-sspr/frontdoor/internal/loopback"
)

// Validate checks the whole tree and returns every problem found, each with its
// key path. It expects ApplyDefaults to have run.
func (c *Config) Validate() Problems {
	var p Problems
	c.validateServer(&p)
	c.validateConcurrency(&p)
	c.validateUpstream(&p)
	c.validateStore(&p)
	c.validateRetention(&p)
	c.validateAuditReaders(&p)
	c.validateTiming(&p)
	if c.Directory != nil {
		c.Directory.validate(&p)
	}
	c.validatePolicy(&p)
	c.validateFlows(&p)
	c.validateSignIn(&p)
	if c.Email != nil {
		c.Email.validate(&p)
	}
	c.validatePhone(&p)
	c.validateText(&p)
	c.validateBudgets(&p)
	if c.Registration != nil {
		c.Registration.validate(&p)
	}
	if c.Call != nil {
		c.Call.validate(&p)
	}
	c.SecurityQuestions.validate(&p)
	if c.AppNotification != nil {
		c.AppNotification.validate(&p)
	}
	oneOf(&p, "log.level", c.Log.Level, "debug", "info", "warn", "error")
	oneOf(&p, "log.format", c.Log.Format, "json", "text")
	c.Health.validate(&p)
	if n := utf8.RuneCountInString(c.ProductName); n > 64 || strings.ContainsFunc(c.ProductName, unicode.IsControl) {
		p.add("product_name", "must be at most 64 characters on one line")
	}
	return p
}

func (c *Config) validateServer(p *Problems) {
	s := c.Server
	hostPort(p, "server.listen", s.Listen)
	hostPort(p, "server.metrics_listen", s.MetricsListen)
	if s.PublicURL == "" {
		p.add("server.public_url", "is required: links in emails and redirects are built from it alone")
	} else if u, err := url.Parse(s.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		p.add("server.public_url", "must be an absolute http(s) URL without query, fragment or user info, such as https://sso.example.com")
	} else if u.Scheme == "http" && !loopback.Host(u.Hostname()) {
		// Cookies without Secure, passwords in clear: http is for a test
		// setup on this machine only. Behind a proxy that ends TLS, the
		// public URL is the proxy's https one.
		p.add("server.public_url", "must be https (http only on a loopback address, for a test setup), such as https://sso.example.com")
	}
	for i, cidr := range s.TrustedProxies {
		if _, _, err := net.ParseCIDR(cidr); err != nil && net.ParseIP(cidr) == nil {
			p.add(idx("server.trusted_proxies", i), "%q is not an IP address or CIDR", cidr)
		}
	}
	if !strings.HasPrefix(s.Prefix, "/") || !strings.HasSuffix(s.Prefix, "/") || len(s.Prefix) < 3 {
		p.add("server.prefix", "must start and end with / and name a path, such as /.frontdoor/")
	}
	if s.MaxBodyBytes < 0 {
		p.add("server.max_body_bytes", "must not be negative")
	}
	if s.ReadTimeout.D() < 0 {
		p.add("server.read_timeout", "must be positive, such as 30s")
	}
	if s.HSTS.MaxAge.D() < time.Second {
		p.add("server.hsts.max_age", "must be at least 1s, such as 8760h (turn HSTS off with enabled: false)")
	}
	if _, _, err := ParseMemoryLimit(s.MemoryLimit); err != nil {
		p.add("server.memory_limit", "%v", err)
	}
	switch {
	case s.SecretKey != "" && len(s.SecretKey) < 32:
		p.add("server.secret_key", "must be at least 32 characters (use secret_key_file with 32 random bytes)")
	case s.SecretKey == "" && s.PublicURL != "" && !loopback.URL(s.PublicURL):
		// A random key per process would do no harm to security, but a
		// key left empty by mistake (${VAR:-}, an empty secret file)
		// must not pass unseen where users are served: the test setup
		// on this machine may leave it out.
		p.add("server.secret_key", "is required (32 characters or more, the same on every replica; secret_key_file with 32 random bytes): "+
			"only a test setup on a loopback public_url may leave it empty for a random key per process")
	}
}

var selectorRE = regexp.MustCompile(`^([#.][A-Za-z_][-A-Za-z0-9_:]*|[a-z][-a-z0-9]*)$`)

func (c *Config) validateUpstream(p *Problems) {
	u := c.Upstream
	if u.URL == "" {
		p.add("upstream.url", "is required")
	} else if pu, err := url.Parse(u.URL); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		p.add("upstream.url", "must be an absolute http(s) URL, such as http://127.0.0.1:8081")
	}
	if _, ok := Presets[u.Preset]; !ok {
		p.add("upstream.preset", "unknown preset %q (known: %s)", u.Preset, strings.Join(presetNames(), ", "))
	}
	for i, s := range u.SignInPaths {
		pathPattern(p, idx("upstream.sign_in_paths", i), s)
	}
	if !selectorRE.MatchString(u.InjectAfter) {
		p.add("upstream.inject_after", "%q must be #id, .class or a tag name", u.InjectAfter)
	}
	for name, list := range map[string][]string{"reset": u.Intercept.Reset, "unlock": u.Intercept.Unlock, "helpdesk": u.Intercept.Helpdesk} {
		for i, s := range list {
			pathPattern(p, idx("upstream.intercept."+name, i), s)
			if strings.HasPrefix(s, c.Server.Prefix) {
				p.add(idx("upstream.intercept."+name, i), "is under server.prefix, which frontdoor serves already")
			}
		}
	}
	for _, l := range []struct {
		name string
		list []string
	}{{"block_paths", u.BlockPaths}, {"allow_paths", u.AllowPaths}} {
		for i, s := range l.list {
			pathPattern(p, idx("upstream."+l.name, i), s)
			if strings.HasPrefix(s, c.Server.Prefix) {
				p.add(idx("upstream."+l.name, i), "is under server.prefix, which frontdoor serves itself")
			}
		}
	}
	if u.Timeout.D() <= 0 {
		p.add("upstream.timeout", "must be positive")
	}
	if s := u.SignInURL; s != "" {
		pu, err := url.Parse(s)
		switch {
		case err != nil || strings.ContainsAny(s, " \\"):
			p.add("upstream.sign_in_url", "%q is not a URL", s)
		case pu.IsAbs() && (pu.Scheme != "https" && pu.Scheme != "http" || pu.Host == ""):
			p.add("upstream.sign_in_url", "must be a path such as /login or an absolute http(s) URL")
		case !pu.IsAbs() && (!strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//")):
			p.add("upstream.sign_in_url", "must be a path such as /login or an absolute http(s) URL")
		case !pu.IsAbs() && strings.HasPrefix(pu.Path, c.Server.Prefix):
			p.add("upstream.sign_in_url", "is under server.prefix: it must be the upstream's sign-in page")
		}
	}
}

func (c *Config) validateStore(p *Problems) {
	oneOf(p, "store.driver", c.Store.Driver, "sqlite", "postgres")
	if c.Store.DSN == "" {
		p.add("store.dsn", "is required")
	}
}

func (c *Config) validatePolicy(p *Problems) {
	pp := c.PasswordPolicy
	oneOf(p, "password_policy.mode", pp.Mode, "entra", "nist")
	if pp.MinLength < 0 || pp.MaxLength < 0 || (pp.MaxLength > 0 && pp.MaxLength < pp.MinLength) {
		p.add("password_policy.max_length", "must be at least min_length")
	}
	if pp.MinClasses < 0 || pp.MinClasses > 4 {
		p.add("password_policy.min_classes", "must be between 0 and 4")
	}
	if len(pp.BannedTerms) > 1000 {
		p.add("password_policy.banned_terms", "has %d terms; at most 1000", len(pp.BannedTerms))
	}
	for i, t := range pp.BannedTerms {
		if n := utf8.RuneCountInString(t); n < 4 || n > 16 {
			p.add(idx("password_policy.banned_terms", i), "%q must be 4 to 16 characters", t)
		}
	}
	if pp.MinScore < 0 || pp.MinScore > 4 {
		p.add("password_policy.min_strength", "must be between 0 (off) and 4")
	}
	fileExists(p, "password_policy.breached_file", pp.BreachedFile)
}

func (c *Config) validateFlows(p *Problems) {
	if r := c.Reset; r != nil {
		oneOf(p, "reset.enabled", string(r.Enabled), "none", "all", "groups")
		if r.Enabled == "groups" && len(r.Groups) == 0 {
			p.add("reset.groups", "is required when reset.enabled is groups")
		}
		oneOf(p, "reset.disclosure", string(r.Disclosure), "generic", "descriptive")
		if r.MethodsRequired != 1 && r.MethodsRequired != 2 {
			p.add("reset.methods_required", "must be 1 or 2")
		}
		if len(r.Methods) < r.MethodsRequired {
			p.add("reset.methods", "offers %d methods but methods_required is %d", len(r.Methods), r.MethodsRequired)
		}
		if r.Enabled != "none" && c.Directory == nil {
			p.add("directory", "is required when reset is enabled")
		}
	}
	if u := c.Unlock; u != nil {
		oneOf(p, "unlock.enabled", string(u.Enabled), "none", "all", "groups")
		if u.Enabled == EnabledGroups && len(u.Groups) == 0 {
			p.add("unlock.groups", "is required when unlock.enabled is groups")
		}
		if u.DailyCap < 1 || u.DailyCap > 100 {
			p.add("unlock.daily_cap", "must be between 1 and 100")
		}
	}
	if h := c.Helpdesk; h != nil {
		n := 0
		for _, v := range []string{h.Email, h.Group, h.URL} {
			if v != "" {
				n++
			}
		}
		if n != 1 {
			p.add("helpdesk", "set exactly one of email, group or url")
		}
		if h.Email != "" {
			if _, err := mail.ParseAddress(h.Email); err != nil {
				p.add("helpdesk.email", "%q is not an email address", h.Email)
			}
		}
		if h.URL != "" {
			if u, err := url.Parse(h.URL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
				p.add("helpdesk.url", "must be an absolute http(s) URL")
			}
		}
	}
	oneOf(p, "captcha.provider", c.Captcha.Provider, "image", "none")
	if c.Captcha.Length < 4 || c.Captcha.Length > 10 {
		p.add("captcha.length", "must be between 4 and 10 digits")
	}
	if c.Captcha.Provider == "none" && !c.Captcha.Insecure {
		p.add("captcha.provider", "none leaves the identify step open to bots; allowed only with captcha.insecure: true (tests and benchmarks)")
	}
}

func (e *Email) validate(p *Problems) {
	if _, err := mail.ParseAddress(e.From); err != nil {
		p.add("email.from", "%q is not an address such as \"frontdoor <no-reply@example.com>\"", e.From)
	}
	if e.SMTP.Host == "" {
		p.add("email.smtp.host", "is required")
	}
	if e.SMTP.Port < 1 || e.SMTP.Port > 65535 {
		p.add("email.smtp.port", "must be between 1 and 65535")
	}
	oneOf(p, "email.smtp.tls", e.SMTP.TLS, "none", "starttls", "tls")
	if e.SMTP.TLS == "none" && e.SMTP.Host != "" && !loopback.Host(e.SMTP.Host) && !e.SMTP.AllowPlaintext {
		p.add("email.smtp.tls", "is none for a relay that is not on this machine: codes and credentials would cross the network in clear; "+
			"use starttls or tls (or, knowing that, set email.smtp.allow_plaintext: true)")
	}
	if e.SMTP.Connections < 1 || e.SMTP.Connections > 64 {
		p.add("email.smtp.connections", "must be between 1 and 64")
	}
	fileExists(p, "email.smtp.ca_file", e.SMTP.CAFile)
}

func oneOf(p *Problems, path, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		p.add(path, "%q is not one of %s", v, strings.Join(allowed, ", "))
	}
}

func hostPort(p *Problems, path, v string) {
	if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
		p.add(path, "%q must be host:port, such as 127.0.0.1:8080", v)
	}
}

func pathPattern(p *Problems, path, v string) {
	if !strings.HasPrefix(v, "/") || strings.ContainsAny(v, " ?#\\") {
		p.add(path, "%q must be a path starting with / (no query)", v)
	}
}

func fileExists(p *Problems, path, name string) {
	if name == "" {
		return
	}
	if _, err := os.Stat(name); err != nil {
		p.add(path, "cannot read %s: %v", name, err)
	}
}

func idx(path string, i int) string { return path + "[" + itoa(i) + "]" }

func itoa(i int) string { return strconv.Itoa(i) }

func presetNames() []string {
	names := make([]string, 0, len(Presets))
	for n := range Presets {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
