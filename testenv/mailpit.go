package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// MailpitClient reads the mail that reached the testenv mailpit, through its REST
// API. Every package's tests share one mailpit, so tests should mail addresses or
// subjects of their own and match on them rather than expect an empty mailbox.
type MailpitClient struct {
	// APIURL is mailpit's HTTP address, e.g. http://127.0.0.1:8025.
	APIURL string
	// SMTPAddr is the host:port of mailpit's SMTP server, for the code under test.
	SMTPAddr string
	// HTTP sends the API requests.
	HTTP *http.Client
}

// MailAddress is one sender or recipient as mailpit parsed it.
type MailAddress struct {
	Name    string
	Address string
}

// MailSummary is a message as mailpit lists it.
type MailSummary struct {
	ID      string
	From    MailAddress
	To      []MailAddress
	Cc      []MailAddress
	Bcc     []MailAddress
	Subject string
	Created time.Time
	Snippet string
}

// Mail is a whole message: headers that tests look at and both bodies.
type Mail struct {
	ID        string
	MessageID string
	From      MailAddress
	To        []MailAddress
	Cc        []MailAddress
	Bcc       []MailAddress
	ReplyTo   []MailAddress
	Subject   string
	Date      time.Time
	Text      string
	HTML      string
}

// Mailpit returns a client for the testenv mailpit, or stops the test as Require
// does when mailpit is not running.
func Mailpit(t testing.TB) *MailpitClient {
	t.Helper()
	v := Require(t, "mailpit", "MAILPIT_API_URL", "MAILPIT_SMTP_HOST", "MAILPIT_SMTP_PORT")
	return &MailpitClient{
		APIURL:   strings.TrimSuffix(v[0], "/"),
		SMTPAddr: net.JoinHostPort(v[1], v[2]),
		HTTP:     &http.Client{Timeout: 10 * time.Second},
	}
}

// Messages lists the messages addressed to recipient (To, Cc or Bcc, compared
// without regard to case), newest first.
func (c *MailpitClient) Messages(ctx context.Context, recipient string) ([]MailSummary, error) {
	q := url.Values{"query": {"addressed:" + recipient}, "limit": {"200"}}
	var page struct {
		Messages []MailSummary `json:"messages"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/v1/search?"+q.Encode(), nil, &page); err != nil {
		return nil, err
	}
	// The search matches substrings; keep exact recipients only.
	var out []MailSummary
	for _, m := range page.Messages {
		if addressedTo(recipient, m.To, m.Cc, m.Bcc) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Message returns one message with its text and HTML bodies.
func (c *MailpitClient) Message(ctx context.Context, id string) (Mail, error) {
	var m Mail
	err := c.do(ctx, http.MethodGet, "/api/v1/message/"+url.PathEscape(id), nil, &m)
	return m, err
}

// Text returns the plain-text body of one message.
func (c *MailpitClient) Text(ctx context.Context, id string) (string, error) {
	m, err := c.Message(ctx, id)
	return m.Text, err
}

// Delete removes the messages addressed to recipient.
func (c *MailpitClient) Delete(ctx context.Context, recipient string) error {
	list, err := c.Messages(ctx, recipient)
	if err != nil || len(list) == 0 {
		return err
	}
	ids := make([]string, len(list))
	for i, m := range list {
		ids[i] = m.ID
	}
	body, err := json.Marshal(struct{ IDs []string }{ids})
	if err != nil {
		return fmt.Errorf("mailpit: %w", err)
	}
	return c.do(ctx, http.MethodDelete, "/api/v1/messages", body, nil)
}

// DeleteAll empties the mailbox. Tests of other packages may be waiting for mail
// at the same moment: prefer Delete.
func (c *MailpitClient) DeleteAll(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/messages", nil, nil)
}

// ErrNoMail is returned by WaitFor when no matching message arrived in time.
var ErrNoMail = errors.New("mailpit: no matching message")

// WaitFor polls until a message to recipient for which match returns true has
// arrived, and returns it whole (match sees whole messages; nil matches any).
// It gives up after timeout, or when ctx ends, with an error wrapping ErrNoMail.
func (c *MailpitClient) WaitFor(ctx context.Context, recipient string, timeout time.Duration, match func(Mail) bool) (Mail, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	seen := map[string]bool{}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		list, err := c.Messages(ctx, recipient)
		if err != nil && ctx.Err() == nil {
			return Mail{}, err
		}
		for _, s := range list {
			if seen[s.ID] {
				continue
			}
			m, err := c.Message(ctx, s.ID)
			if err != nil {
				break
			}
			if match == nil || match(m) {
				return m, nil
			}
			seen[s.ID] = true
		}
		select {
		case <-ctx.Done():
			return Mail{}, fmt.Errorf("%w to %s within %s: %w", ErrNoMail, recipient, timeout, ctx.Err())
		case <-tick.C:
		}
	}
}

// do sends one API request and decodes a JSON answer into out when out is not nil.
func (c *MailpitClient) do(ctx context.Context, method, path string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.APIURL+path, rd)
	if err != nil {
		return fmt.Errorf("mailpit: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("mailpit: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("mailpit: %s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(msg))
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("mailpit: decode %s: %w", path, err)
	}
	return nil
}

// addressedTo reports whether recipient is among the addresses of any list.
func addressedTo(recipient string, lists ...[]MailAddress) bool {
	for _, l := range lists {
		for _, a := range l {
			if strings.EqualFold(a.Address, recipient) {
				return true
			}
		}
	}
	return false
}
