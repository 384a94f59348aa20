package methods

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

// EmailMessage is what the email method asks its Sender to deliver.
// A message without To is a decoy (see Email.Start): render it, send nothing.
type EmailMessage struct {
	To   string
	Lang string
	Code string
	TTL  time.Duration
	User idp.User
}

// Email sends a numeric code to the account's mail address: the first of
// its addresses from Sources (the directory's mail attribute, the
// registered alternate emails), in the operator's order.
type Email struct {
	*CodeService
	// Send queues the message; it must not block on the mail server.
	Send   func(EmailMessage)
	Digits int // default 8
	// Registrations holds registered alternate emails; nil for none.
	Registrations Registrations
	// Sources are "directory" and "registered" in the order they are used;
	// nil means the directory only.
	Sources []string
}

var _ Method = (*Email)(nil)

// Name implements Method.
func (*Email) Name() string { return "email" }

// Kind implements Method.
func (*Email) Kind() Kind { return KindCode }

// Hint implements Method.
func (m *Email) Hint(ctx context.Context, u idp.User) (string, bool) {
	to := m.address(ctx, u)
	if to == "" {
		return "", false
	}
	return MaskEmail(to), true
}

// address is where u's code goes: the first address the sources give.
func (m *Email) address(ctx context.Context, u idp.User) string {
	sources := m.Sources
	if sources == nil {
		sources = []string{config.SourceDirectory}
	}
	if addrs := ContactEmails(ctx, m.Registrations, sources, u); len(addrs) > 0 {
		return addrs[0]
	}
	return ""
}

func (m *Email) digits() int {
	if m.Digits == 0 {
		return 8
	}
	return m.Digits
}

// Start implements Method. A code is stored (hashed) for every target, and a
// message is handed to Send for every target, so unknown users cost the
// same; only a real address receives one. When there is nobody to send to,
// or the account's limit is reached, the message is a decoy: no To, a code
// that was never stored; Send renders it as any other and delivers it to
// nobody.
func (m *Email) Start(ctx context.Context, t Target) error {
	to := ""
	if t.User != nil {
		to = m.address(ctx, *t.User)
	}
	code, err := m.Issue(ctx, t, m.Name(), m.digits(), to)
	switch {
	case err == nil && code != "":
		m.Send(EmailMessage{To: to, Lang: t.Lang, Code: code, TTL: m.codeTTL(), User: *t.User})
		return nil
	case err != nil && !errors.Is(err, ErrTooMany):
		return err
	}
	m.Send(EmailMessage{Lang: t.Lang, Code: randomDigits(m.digits()), TTL: m.codeTTL()})
	return err
}

// Verify implements Method: the answer is the form's code field.
func (m *Email) Verify(ctx context.Context, t Target, form url.Values) error {
	return m.Check(ctx, t, m.Name(), m.digits(), form.Get("code"))
}

// MaskEmail shows enough of an address for its owner to recognise it:
// "alice@example.com" becomes "al***@example.com".
func MaskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return "***"
	}
	keep := 2
	if utf8.RuneCountInString(local) <= 2 {
		keep = 1
	}
	r := []rune(local)
	return string(r[:min(keep, len(r))]) + strings.Repeat("*", max(3, len(r)-keep)) + "@" + domain
}
