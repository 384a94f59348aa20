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
	"github.com/wneessen/go-mail/smtp"

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

// SMTP sends mail through one relay. It keeps the sessions it opened for
// the next messages (at most email.smtp.connections of them, each idle for
// at most maxIdle): opening one (TCP, EHLO, STARTTLS or TLS, AUTH) cost as
// much as sending a message through it, and a reset sends two.
type SMTP struct {
	client *mail.Client
	from   string
	idle   chan *session
	// timeout bounds each exchange with the relay; maxIdle is how long a
	// session is kept unused.
	timeout, maxIdle time.Duration
}

// session is an open SMTP session between two messages.
type session struct {
	c    *smtp.Client
	used time.Time
}

const (
	// smtpTimeout bounds each exchange with the relay.
	smtpTimeout = 15 * time.Second
	// maxIdle is how long a session is kept unused: well under the idle
	// timeouts of relays (RFC 5321 asks servers to wait 5 minutes for a
	// command), so that a kept session is seldom found closed.
	maxIdle = 30 * time.Second
	// quitTimeout bounds the QUIT that ends a session: a relay that no
	// longer answers must not hold the sender.
	quitTimeout = 2 * time.Second
)

var _ Mailer = (*SMTP)(nil)

// NewSMTP returns a Mailer for the email section of the configuration.
func NewSMTP(c config.Email) (*SMTP, error) { return newSMTP(c, smtpTimeout, maxIdle) }

func newSMTP(c config.Email, timeout, maxIdle time.Duration) (*SMTP, error) {
	opts := []mail.Option{mail.WithPort(c.SMTP.Port), mail.WithTimeout(timeout)}
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
	return &SMTP{client: client, from: c.From, idle: make(chan *session, max(c.SMTP.Connections, 1)),
		timeout: timeout, maxIdle: maxIdle}, nil
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
	if err := s.send(ctx, msg); err != nil {
		return fmt.Errorf("notify: smtp send: %w", err)
	}
	return nil
}

// send delivers msg through a kept session, or a new one. A kept session the
// relay has closed fails its connection check before anything is sent: the
// message then goes through a new session.
func (s *SMTP) send(ctx context.Context, msg *mail.Msg) error {
	sess, kept, err := s.session(ctx)
	if err != nil {
		return err
	}
	err = s.client.SendWithSMTPClient(sess.c, msg)
	var se *mail.SendError
	if kept && errors.As(err, &se) && se.Reason == mail.ErrConnCheck {
		s.end(sess)
		if sess, err = s.dial(ctx); err != nil {
			return err
		}
		err = s.client.SendWithSMTPClient(sess.c, msg)
	}
	if err == nil {
		s.keep(sess)
		return nil
	}
	s.end(sess)
	if msg.IsDelivered() {
		// Accepted; only the RSET after it failed. Not an error for the
		// sender: sending again would deliver it twice.
		return nil
	}
	return err
}

// session returns a kept session not idle for too long, or a new one; kept
// tells which. The deadline of the last exchange has passed on a kept
// session: it gets a new one, as go-mail gives one after each command.
func (s *SMTP) session(ctx context.Context) (*session, bool, error) {
	for {
		select {
		case sess := <-s.idle:
			if time.Since(sess.used) < s.maxIdle && sess.c.UpdateDeadline(s.timeout) == nil {
				return sess, true, nil
			}
			s.end(sess)
		default:
			sess, err := s.dial(ctx)
			return sess, false, err
		}
	}
}

func (s *SMTP) dial(ctx context.Context) (*session, error) {
	c, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, err
	}
	return &session{c: c}, nil
}

// keep puts sess aside for the next message, or ends it when enough are kept.
func (s *SMTP) keep(sess *session) {
	sess.used = time.Now()
	select {
	case s.idle <- sess:
	default:
		s.end(sess)
	}
}

// end closes a session: QUIT, within quitTimeout, and the connection closed
// whether or not the relay answered it.
func (s *SMTP) end(sess *session) {
	_ = sess.c.UpdateDeadline(quitTimeout)
	if err := s.client.CloseWithSMTPClient(sess.c); err != nil {
		_ = sess.c.Close()
	}
}

// Close ends the sessions kept open. Messages sent after it open new ones.
func (s *SMTP) Close() error {
	for {
		select {
		case sess := <-s.idle:
			s.end(sess)
		default:
			return nil
		}
	}
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
	sess, err := s.dial(ctx)
	if err != nil {
		return fmt.Errorf("notify: smtp: %w", err)
	}
	s.end(sess)
	return nil
}
