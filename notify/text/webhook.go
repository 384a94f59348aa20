package text

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"text/template"
	"time"

	"github.com/frontdoor-sspr/frontdoor/phone"
)

// Webhook posts each message as JSON to an endpoint of the operator's. The
// body is a template with .To and .Text, each given as a JSON string. The
// signature header is "t=UNIX,v1=HEX": HEX is HMAC-SHA256, keyed with the
// shared secret, of the decimal UNIX time, a dot, and the body as sent, so
// the receiver can refuse a changed body and an old one.
type Webhook struct {
	URL    string
	Secret []byte
	Header string
	body   *template.Template
	HTTP   *http.Client
	// Now is the clock of the signature's time (default time.Now).
	Now func() time.Time
}

var _ Sender = (*Webhook)(nil)

// NewWebhook parses the body template.
func NewWebhook(url string, secret []byte, body, header string, hc *http.Client) (*Webhook, error) {
	t, err := template.New("body").Option("missingkey=error").Parse(body)
	if err != nil {
		return nil, fmt.Errorf("text: webhook body: %w", err)
	}
	return &Webhook{URL: url, Secret: secret, Header: header, body: t, HTTP: hc, Now: time.Now}, nil
}

// Send implements Sender.
func (w *Webhook) Send(ctx context.Context, to phone.Number, text string) error {
	toJSON, _ := json.Marshal(to.E164)
	textJSON, _ := json.Marshal(text)
	var body bytes.Buffer
	if err := w.body.Execute(&body, struct{ To, Text string }{string(toJSON), string(textJSON)}); err != nil {
		return fmt.Errorf("text: webhook body: %w", err)
	}
	if !json.Valid(body.Bytes()) {
		return fmt.Errorf("text: webhook body: the template does not make JSON")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body.Bytes()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(w.Header, Sign(w.Secret, w.Now(), body.Bytes()))
	_, err = do(w.HTTP, "webhook", req)
	return err
}

// Sign returns the signature header value of body sent at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}
