package text

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/notify"
	"github.com/frontdoor-sspr/frontdoor/phone"
)

// Sender sends one text message now.
type Sender interface {
	Send(ctx context.Context, to phone.Number, body string) error
}

// New returns the Sender of the text section. mail queues an email, for the
// email_gateway provider; it may be nil otherwise.
func New(c config.Text, mail func(notify.Message)) (Sender, error) {
	hc := &http.Client{Timeout: time.Duration(c.Timeout), CheckRedirect: noRedirect}
	switch c.Provider {
	case "kannel":
		return &Kannel{URL: c.Kannel.URL, Username: c.Kannel.Username, Password: c.Kannel.Password, From: c.Kannel.From, HTTP: hc}, nil
	case "twilio":
		return &Twilio{AccountSID: c.Twilio.AccountSID, AuthToken: c.Twilio.AuthToken, From: c.Twilio.From, BaseURL: c.Twilio.BaseURL, HTTP: hc}, nil
	case "webhook":
		return NewWebhook(c.Webhook.URL, []byte(c.Webhook.Secret), c.Webhook.Body, c.Webhook.Header, hc)
	case "email_gateway":
		if mail == nil {
			return nil, errors.New("text: the email_gateway provider needs the email section")
		}
		return &EmailGateway{Domain: c.EmailGateway.Domain, Mail: mail}, nil
	}
	return nil, fmt.Errorf("text: unknown provider %q", c.Provider)
}

// noRedirect keeps credentials and codes from following a redirect to
// another host: a gateway answers, it does not send elsewhere.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// do sends req and returns an error for a transport failure or a status
// other than 2xx, naming the gateway; the URL (which may carry
// credentials, as Kannel's does) is left out.
func do(hc *http.Client, gateway string, req *http.Request) ([]byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("text: %s: %w", gateway, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return body, &StatusError{Gateway: gateway, Status: resp.StatusCode}
	}
	return body, nil
}

// StatusError is a gateway's refusal.
type StatusError struct {
	Gateway string
	Status  int
	// Code is the gateway's own error code, when it gives one (Twilio's).
	Code int
}

func (e *StatusError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("text: %s answered HTTP %d (error %d)", e.Gateway, e.Status, e.Code)
	}
	return fmt.Sprintf("text: %s answered HTTP %d", e.Gateway, e.Status)
}
