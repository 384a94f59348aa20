package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	netmail "net/mail"
	"os"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// Message is one email, with a plain-text and an HTML body.
type Message struct {
	To      []string
	Subject string
	Text    string
	HTML    string
	// FromName is the sender's display name ("frontdoor on behalf of Example
	// Corp"); the address is email.from's.
	FromName string
	// Kind names the message for logs and metrics ("code", "reset_done"); the
	// bodies are never logged, they may hold codes.
	Kind string
}

// Mailer sends a message now.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends mail through one relay.
type SMTP struct {
	client *mail.Client
	from   string
}

var _ Mailer = (*SMTP)(nil)

// NewSMTP returns a Mailer for the email section of the configuration.
func NewSMTP(c config.Email) (*SMTP, error) {
	opts := []mail.Option{mail.WithPort(c.SMTP.Port), mail.WithTimeout(15 * time.Second)}
	tlsConf := &tls.Config{ServerName: c.SMTP.Host, MinVersion: tls.VersionTLS12}
	if c.SMTP.CAFile != "" {
		pem, err := os.ReadFile(c.SMTP.CAFile)
		if err != nil {
			return nil, fmt.Errorf("email.smtp.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("email.smtp.ca_file: no PEM certificate in %s", c.SMTP.CAFile)
		}
		tlsConf.RootCAs = pool
	}
	switch c.SMTP.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL(), mail.WithTLSConfig(tlsConf))
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory), mail.WithTLSConfig(tlsConf))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if c.SMTP.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(c.SMTP.Username), mail.WithPassword(c.SMTP.Password))
	}
	client, err := mail.NewClient(c.SMTP.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return &SMTP{client: client, from: c.From}, nil
}

// Send delivers m; it returns once the relay has accepted it.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if len(m.To) == 0 {
		return errors.New("notify: message without recipient")
	}
	msg := mail.NewMsg()
	if err := s.setFrom(msg, m.FromName); err != nil {
		return fmt.Errorf("notify: from: %w", err)
	}
	if err := msg.To(m.To...); err != nil {
		return fmt.Errorf("notify: to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	if err := s.client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("notify: smtp send: %w", err)
	}
	return nil
}

// setFrom uses email.from as the operator wrote it when it has a display
// name; else the address with name (the product on behalf of the
// organisation) as its display name.
func (s *SMTP) setFrom(msg *mail.Msg, name string) error {
	addr, err := netmail.ParseAddress(s.from)
	if err != nil {
		return err
	}
	if name == "" || addr.Name != "" {
		return msg.From(s.from)
	}
	return msg.FromFormat(name, addr.Address)
}

// Ping opens a session with the relay as Send would (EHLO, STARTTLS or TLS,
// AUTH when a username is set) and closes it without sending anything.
func (s *SMTP) Ping(ctx context.Context) error {
	c, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("notify: smtp: %w", err)
	}
	_ = s.client.CloseWithSMTPClient(c)
	return nil
}
