package config

import "time"

// ApplyDefaults fills every unset key with its default, and the upstream keys
// from the chosen preset.
func (c *Config) ApplyDefaults() {
	c.applyPhone()
	c.applyText()
	c.applyBudgets()
	s := &c.Server
	def(&s.Listen, "127.0.0.1:8080")
	def(&s.MetricsListen, "127.0.0.1:9090")
	def(&s.Prefix, "/.frontdoor/")
	def(&s.MemoryLimit, "auto")
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
		if u.BlockPaths == nil {
			u.BlockPaths = p.BlockPaths
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
	if u.CompressSignIn == nil {
		u.CompressSignIn = boolPtr(true)
	}

	def(&c.Store.Driver, "sqlite")
	if c.Store.Driver == "sqlite" {
		def(&c.Store.DSN, "frontdoor.db")
	}
	c.applyRetentionDefaults()
	c.applyTimingDefaults()
	c.applyConcurrency()
	def(&c.Captcha.Provider, "image")
	if c.Captcha.Length == 0 {
		c.Captcha.Length = 6
	}
	def(&c.Log.Level, "info")
	def(&c.Log.Format, "json")
	def(&c.PasswordPolicy.Mode, "entra")
	if c.Health.Ready == nil {
		c.Health.Ready = []string{"store", "directory", "email"}
	}
	if c.Health.CacheFor == 0 {
		c.Health.CacheFor = Duration(10 * time.Second)
	}

	if r := c.Reset; r != nil {
		def(&r.Enabled, EnabledAll)
		def(&r.Disclosure, DisclosureGeneric)
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
	c.SecurityQuestions.ApplyDefaults()
	if c.AppNotification != nil {
		c.AppNotification.ApplyDefaults()
	}
	c.signInDefaults()
	if u := c.Unlock; u != nil {
		def(&u.Enabled, EnabledAll)
		if u.DailyCap == 0 {
			u.DailyCap = 3
		}
	}
	if r := c.Registration; r != nil {
		r.applyDefaults(c.Reset)
	}
	if c.Call != nil {
		c.Call.defaults()
	}
	if e := c.Email; e != nil {
		def(&e.SMTP.TLS, "starttls")
		if e.SMTP.Connections == 0 {
			e.SMTP.Connections = 2
		}
		if e.SMTP.Port == 0 {
			e.SMTP.Port = 587
		}
	}
}

func def[T ~string](s *T, v T) {
	if *s == "" {
		*s = v
	}
}

func boolPtr(b bool) *bool { return &b }
