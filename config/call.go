package config

import (
	"regexp"
	"strings"
	"time"
)

// Call configures the gateway of the phone-call methods (mobile_call,
// office_call): frontdoor's own SIP user agent through the operator's trunk,
// or Twilio Programmable Voice.
type Call struct {
	Provider string      `yaml:"provider"` // sip | twilio
	SIP      *CallSIP    `yaml:"sip"`
	Twilio   *CallTwilio `yaml:"twilio"`
}

// CallSIP is the operator's SIP trunk or PBX that frontdoor calls through.
type CallSIP struct {
	// Trunk is the SIP URI of the trunk, "sip:pbx.example.com:5060"; a
	// ";transport=tcp" parameter picks TCP (default UDP).
	Trunk string `yaml:"trunk"`
	// From is frontdoor's own SIP URI, shown to the trunk as the caller.
	From string `yaml:"from"`
	// Bind is the local address for SIP and RTP (default 0.0.0.0: every
	// interface, the SDP names the first one's address).
	Bind string `yaml:"bind"`
	// Username and Password answer the trunk's digest challenge, if any.
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// Timeout is how long a call may ring and then wait for # (default 30s).
	Timeout Duration `yaml:"timeout"`
}

// CallTwilio is a Twilio account placing calls through Programmable Voice.
type CallTwilio struct {
	AccountSID string `yaml:"account_sid"`
	AuthToken  string `yaml:"auth_token"`
	// From is the Twilio number calls come from, in E.164.
	From string `yaml:"from"`
	// BaseURL is Twilio's API root (default https://api.twilio.com).
	BaseURL string `yaml:"base_url"`
	// Timeout is how long a call may ring and then wait for # (default 30s).
	Timeout Duration `yaml:"timeout"`
}

// callE164 is a number in E.164 form.
var callE164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// DefaultCallTimeout is how long a call rings and waits for the key.
const DefaultCallTimeout = 30 * time.Second

func (c *Call) defaults() {
	if c.Provider == "" {
		c.Provider = "sip"
	}
	if s := c.SIP; s != nil {
		def(&s.Bind, "0.0.0.0")
		if s.Timeout == 0 {
			s.Timeout = Duration(DefaultCallTimeout)
		}
	}
	if t := c.Twilio; t != nil {
		def(&t.BaseURL, "https://api.twilio.com")
		if t.Timeout == 0 {
			t.Timeout = Duration(DefaultCallTimeout)
		}
	}
}

func (c *Call) validate(p *Problems) {
	oneOf(p, "call.provider", c.Provider, "sip", "twilio")
	switch c.Provider {
	case "sip":
		if c.SIP == nil {
			p.add("call.sip", "is required when call.provider is sip")
			return
		}
		c.SIP.validate(p)
	case "twilio":
		if c.Twilio == nil {
			p.add("call.twilio", "is required when call.provider is twilio")
			return
		}
		c.Twilio.validate(p)
	}
}

func (s *CallSIP) validate(p *Problems) {
	sipURI(p, "call.sip.trunk", s.Trunk, false)
	sipURI(p, "call.sip.from", s.From, true)
	callTimeout(p, "call.sip.timeout", s.Timeout)
	if (s.Username == "") != (s.Password == "") {
		p.add("call.sip.username", "username and password go together")
	}
}

func (t *CallTwilio) validate(p *Problems) {
	if !strings.HasPrefix(t.AccountSID, "AC") || len(t.AccountSID) != 34 {
		p.add("call.twilio.account_sid", "must be a Twilio account SID (AC and 32 hex digits)")
	}
	if t.AuthToken == "" {
		p.add("call.twilio.auth_token", "is required")
	}
	if !callE164.MatchString(t.From) {
		p.add("call.twilio.from", "%q must be a number in E.164, such as +14155550100", t.From)
	}
	// Basic auth carries the auth token: never over plain http but to a
	// local test double.
	absURL(p, "call.twilio.base_url", t.BaseURL, true)
	callTimeout(p, "call.twilio.timeout", t.Timeout)
}

func callTimeout(p *Problems, path string, d Duration) {
	if d.D() < 5*time.Second || d.D() > 5*time.Minute {
		p.add(path, "%s must be between 5s and 5m", d.D())
	}
}

// sipURI checks a "sip:" URI; withUser asks for a user part.
func sipURI(p *Problems, path, v string, withUser bool) {
	rest, ok := strings.CutPrefix(v, "sip:")
	host := rest
	if i := strings.IndexByte(host, ';'); i >= 0 {
		host = host[:i]
	}
	user, h, hasUser := strings.Cut(host, "@")
	if !hasUser {
		h, user = user, ""
	}
	if !ok || h == "" || strings.ContainsAny(h, " /?") || (withUser && user == "") {
		example := "sip:pbx.example.com:5060"
		if withUser {
			example = "sip:frontdoor@pbx.example.com"
		}
		p.add(path, "%q must be a SIP URI, such as %s", v, example)
	}
}
