package text

import (
	"context"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/notify"
	"github.com/frontdoor-sspr/frontdoor/phone"
)

// EmailGateway sends through an email-to-SMS gateway: the text is mailed,
// as plain text, to the number's digits at Domain ("14155550101@sms.example.com").
type EmailGateway struct {
	Domain string
	// Mail queues the email (frontdoor's mail queue).
	Mail func(notify.Message)
}

var _ Sender = (*EmailGateway)(nil)

// Send implements Sender. The mail is queued: a relay failure is retried
// and logged by the queue, not returned.
func (g *EmailGateway) Send(_ context.Context, to phone.Number, body string) error {
	g.Mail(notify.Message{To: []string{strings.TrimPrefix(to.E164, "+") + "@" + g.Domain}, Text: body, Kind: "text"})
	return nil
}
