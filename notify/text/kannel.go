package text

import (
	"context"
	"net/http"
	"strings"

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

// Send implements Sender. It POSTs the text as the body, and the
// credentials and the number in Kannel's X-Kannel-* headers, so that none
// of them is in the URL Kannel's access log and proxies record. Kannel
// answers 202 "0: Accepted for delivery" (or 200 "Sent.") and 4xx/5xx with
// a reason when it refuses.
func (k *Kannel) Send(ctx context.Context, to phone.Number, body string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, k.URL, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain; charset=UTF-8")
	req.Header.Set("X-Kannel-Username", k.Username)
	req.Header.Set("X-Kannel-Password", k.Password)
	req.Header.Set("X-Kannel-To", to.E164)
	if !ascii(body) {
		req.Header.Set("X-Kannel-Coding", "2") // UCS-2 on the air: accents and other scripts survive
	}
	if k.From != "" {
		req.Header.Set("X-Kannel-From", k.From)
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
