package config

import "time"

// ApplyDefaults fills every unset key with its default, and the upstream keys
// from the chosen preset.
func (c *Config) ApplyDefaults() {
	s := &c.Server
	def(&s.Listen, "127.0.0.1:8080")
	def(&s.MetricsListen, "127.0.0.1:9090")
	def(&s.Prefix, "/.frontdoor/")
	if s.MaxBodyBytes == 0 {
		s.MaxBodyBytes = 10 << 20
	}
	if s.ReadTimeout == 0 {
		s.ReadTimeout = Duration(30 * time.Second)
	}
	if s.HSTS.Enabled == nil {
		s.HSTS.Enabled = boolPtr(true)
	}
	if s.HSTS.MaxAge == 0 {
		s.HSTS.MaxAge = Duration(365 * 24 * time.Hour)
	}

	u := &c.Upstream
	def(&u.Preset, "generic")
	if p, ok := Presets[u.Preset]; ok {
		if u.SignInPaths == nil {
			u.SignInPaths = p.SignInPaths
		}
		def(&u.InjectAfter, p.InjectAfter)
		if u.Intercept.Reset == nil {
			u.Intercept.Reset = p.Intercept.Reset
		}
		if u.Intercept.Unlock == nil {
			u.Intercept.Unlock = p.Intercept.Unlock
		}
		if u.Intercept.Helpdesk == nil {
			u.Intercept.Helpdesk = p.Intercept.Helpdesk
		}
	}
	if u.InjectUnlock == nil {
		u.InjectUnlock = boolPtr(true)
	}
	if u.Timeout == 0 {
		u.Timeout = Duration(30 * time.Second)
	}
	if u.PreserveHost == nil {
		u.PreserveHost = boolPtr(true)
	}

	def(&c.Store.Driver, "sqlite")
	if c.Store.Driver == "sqlite" {
		def(&c.Store.DSN, "frontdoor.db")
	}
	def(&c.Captcha.Provider, "image")
	def(&c.Log.Level, "info")
	def(&c.Log.Format, "json")
	def(&c.PasswordPolicy.Mode, "entra")

	if c.Directory != nil {
		c.Directory.ApplyDefaults()
	}
	if r := c.Reset; r != nil {
		def(&r.Enabled, "all")
		def(&r.Disclosure, "generic")
		if r.MethodsRequired == 0 {
			r.MethodsRequired = 1
		}
		if r.Methods == nil {
			r.Methods = []string{"email"}
		}
		if r.ManagedElsewhere.Privileged == nil {
			r.ManagedElsewhere.Privileged = boolPtr(true)
		}
	}
	if u := c.Unlock; u != nil {
		def(&u.Enabled, "all")
		if u.DailyCap == 0 {
			u.DailyCap = 3
		}
	}
	if e := c.Email; e != nil {
		def(&e.SMTP.TLS, "starttls")
		if e.SMTP.Port == 0 {
			e.SMTP.Port = 587
		}
	}
}

// ApplyDefaults fills the directory keys left unset, per directory type. The
// LDAP backend calls it too, for configurations built in code.
func (d *Directory) ApplyDefaults() {
	if d.Type == "activedirectory" {
		if len(d.LoginAttributes) == 0 {
			d.LoginAttributes = []string{"sAMAccountName", "userPrincipalName", "mail"}
		}
		def(&d.UserFilter, "(&(objectCategory=person)(objectClass=user))")
	} else {
		if len(d.LoginAttributes) == 0 {
			d.LoginAttributes = []string{"uid", "mail"}
		}
		def(&d.UserFilter, "(objectClass=inetOrgPerson)")
	}
	a := &d.Attributes
	def(&a.Mail, "mail")
	def(&a.Mobile, "mobile")
	def(&a.Phone, "telephoneNumber")
	def(&a.GivenName, "givenName")
	def(&a.Surname, "sn")
	def(&a.DisplayName, "displayName")
	if d.Timeout <= 0 {
		d.Timeout = Duration(10 * time.Second)
	}
	if d.PoolSize <= 0 {
		d.PoolSize = 4
	}
	if d.PolicyHints == nil {
		d.PolicyHints = boolPtr(true)
	}
	def(&d.PwdLastSet, "keep")
}

func def(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

func boolPtr(b bool) *bool { return &b }
