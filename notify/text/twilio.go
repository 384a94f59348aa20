package text

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/phone"
)

// Twilio sends through Twilio Programmable Messaging: a form POST to
// /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP basic auth
// (account SID, auth token), answered 201 with the message resource, or
// 4xx with {"code", "message", "more_info", "status"}.
type Twilio struct {
	AccountSID, AuthToken string
	// From is the sending number, or a Messaging Service SID ("MG...").
	From string
	// BaseURL replaces https://api.twilio.com.
	BaseURL string
	HTTP    *http.Client
}

var _ Sender = (*Twilio)(nil)

// Send implements Sender.
func (t *Twilio) Send(ctx context.Context, to phone.Number, body string) error {
	base := strings.TrimRight(t.BaseURL, "/")
	if base == "" {
		base = "https://api.twilio.com"
	}
	form := url.Values{"To": {to.E164}, "Body": {body}}
	if strings.HasPrefix(t.From, "MG") {
		form.Set("MessagingServiceSid", t.From)
	} else {
		form.Set("From", t.From)
	}
	endpoint := base + "/2010-04-01/Accounts/" + url.PathEscape(t.AccountSID) + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.SetBasicAuth(t.AccountSID, t.AuthToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	answer, err := do(t.HTTP, "twilio", req)
	var se *StatusError
	if errors.As(err, &se) {
		var e struct {
			Code int `json:"code"`
		}
		if json.Unmarshal(answer, &e) == nil {
			se.Code = e.Code
		}
		return se
	}
	if err != nil {
		return err
	}
	var m struct {
		SID    string `json:"sid"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(answer, &m); err != nil || m.SID == "" {
		return errors.New("text: twilio: the answer is not a message resource")
	}
	if m.Status == "failed" || m.Status == "undelivered" {
		return errors.New("text: twilio: message " + m.Status)
	}
	return nil
}
