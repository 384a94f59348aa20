package text

import (
	"context"
	"net/http"
	"net/url"

	"github.com/frontdoor-sspr/frontdoor/phone"
)

// Kannel sends through Kannel's HTTP sendsms interface (smsbox), the
// open-source gateway operators run in front of their SMS centre.
type Kannel struct {
	// URL is the sendsms address, http://HOST:13013/cgi-bin/sendsms.
	URL                string
	Username, Password string
	// From is the sender shown; empty leaves it to Kannel (global-sender).
	From string
	HTTP *http.Client
}

var _ Sender = (*Kannel)(nil)

// Send implements Sender. Kannel answers 202 "0: Accepted for delivery"
// (or 200 "Sent.") and 4xx/5xx with a reason when it refuses.
func (k *Kannel) Send(ctx context.Context, to phone.Number, body string) error {
	u, err := url.Parse(k.URL)
	if err != nil {
		return err
	}
	q := url.Values{"username": {k.Username}, "password": {k.Password}, "to": {to.E164}, "text": {body}, "charset": {"UTF-8"}}
	if !ascii(body) {
		q.Set("coding", "2") // UCS-2 on the air: accents and other scripts survive
	}
	if k.From != "" {
		q.Set("from", k.From)
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	_, err = do(k.HTTP, "kannel", req)
	return err
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
