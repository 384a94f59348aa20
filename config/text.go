package config

import (
	"net/url"
	"regexp"
	"time"

	"github.com/frontdoor-sspr/frontdoor/internal/loopback"
)

// Text is the gateway that text messages go out through (package
// notify/text); only the provider's own subsection is read.
type Text struct {
	Provider     string            `yaml:"provider"` // kannel | twilio | webhook | email_gateway
	Kannel       *TextKannel       `yaml:"kannel"`
	Twilio       *TextTwilio       `yaml:"twilio"`
	Webhook      *TextWebhook      `yaml:"webhook"`
	EmailGateway *TextEmailGateway `yaml:"email_gateway"`
	// CodeDigits is the length of texted codes (default 6).
	CodeDigits int `yaml:"code_digits"`
	// Timeout bounds one request to the gateway (default 10s).
	Timeout Duration `yaml:"timeout"`
}

// TextKannel is Kannel's HTTP sendsms interface (smsbox).
type TextKannel struct {
	URL      string `yaml:"url"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	From     string `yaml:"from"`
}

// TextTwilio is Twilio Programmable Messaging (Messages.json).
type TextTwilio struct {
	AccountSID string `yaml:"account_sid"`
	AuthToken  string `yaml:"auth_token"`
	// From is the sending number (E.164) or a Messaging Service SID (MG...).
	From string `yaml:"from"`
	// BaseURL replaces https://api.twilio.com (a regional edge, tests).
	BaseURL string `yaml:"base_url"`
}

// TextWebhook posts each message as JSON to an HTTPS endpoint of the
// operator's, signed with HMAC-SHA256.
type TextWebhook struct {
	URL    string `yaml:"url"`
	Secret string `yaml:"secret"`
	// Body is a Go text/template of the JSON body with .To (E.164) and
	// .Text, each already a JSON string; default {"to":{{.To}},"text":{{.Text}}}.
	Body string `yaml:"body"`
	// Header carries the signature (default X-Frontdoor-Signature).
	Header string `yaml:"header"`
}

// TextEmailGateway is an email-to-SMS gateway: the text is mailed to
// NUMBER@Domain through the email section's relay.
type TextEmailGateway struct {
	Domain string `yaml:"domain"`
}

func (c *Config) applyText() {
	t := c.Text
	if t == nil {
		return
	}
	if t.CodeDigits == 0 {
		t.CodeDigits = 6
	}
	if t.Timeout == 0 {
		t.Timeout = Duration(10 * time.Second)
	}
	if w := t.Webhook; w != nil {
		def(&w.Body, `{"to":{{.To}},"text":{{.Text}}}`)
		def(&w.Header, "X-Frontdoor-Signature")
	}
}

var domainName = regexp.MustCompile(`^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$`)

func (c *Config) validateText(p *Problems) {
	t := c.Text
	if t == nil {
		return
	}
	oneOf(p, "text.provider", t.Provider, "kannel", "twilio", "webhook", "email_gateway")
	if t.CodeDigits < 6 || t.CodeDigits > 10 {
		p.add("text.code_digits", "must be between 6 and 10")
	}
	missing := func(key string) { p.add("text."+key, "is required when text.provider is %s", t.Provider) }
	switch t.Provider {
	case "kannel":
		if t.Kannel == nil {
			missing("kannel")
			return
		}
		absURL(p, "text.kannel.url", t.Kannel.URL, false)
	case "twilio":
		if t.Twilio == nil {
			missing("twilio")
			return
		}
		if t.Twilio.AccountSID == "" {
			missing("twilio.account_sid")
		}
		if t.Twilio.AuthToken == "" {
			missing("twilio.auth_token")
		}
		if t.Twilio.From == "" {
			missing("twilio.from")
		}
		if t.Twilio.BaseURL != "" {
			// Basic auth carries the auth token: never over plain http but to
			// a local test double.
			absURL(p, "text.twilio.base_url", t.Twilio.BaseURL, true)
		}
	case "webhook":
		if t.Webhook == nil {
			missing("webhook")
			return
		}
		absURL(p, "text.webhook.url", t.Webhook.URL, true)
		if len(t.Webhook.Secret) < 16 {
			p.add("text.webhook.secret", "must be at least 16 characters")
		}
	case "email_gateway":
		if t.EmailGateway == nil || !domainName.MatchString(t.EmailGateway.Domain) {
			p.add("text.email_gateway.domain", "must be a domain name such as sms.example.com")
		}
		if c.Email == nil {
			p.add("email", "is required when text.provider is email_gateway")
		}
	}
}

// absURL checks an absolute http(s) URL; httpsOnly refuses plain http
// except on loopback.
func absURL(p *Problems, path, v string, httpsOnly bool) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p.add(path, "must be an absolute http(s) URL")
		return
	}
	if httpsOnly && u.Scheme == "http" && !loopback.Host(u.Hostname()) {
		p.add(path, "must be https (plain http only on loopback)")
	}
}
