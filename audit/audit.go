package audit

import (
	"context"
	"maps"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Event types.
const (
	FlowStarted  = "flow.started"
	Identified   = "flow.identified"
	MethodSent   = "method.sent"
	MethodPassed = "method.passed"
	MethodFailed = "method.failed"
	CallOutcome  = "method.call_outcome"
	// SendFailed: a text the method meant to send did not reach the
	// gateway (refused, unreachable, or dropped as too many in flight).
	SendFailed      = "method.send_failed"
	Blocked         = "flow.blocked"
	PasswordReset   = "password.reset"
	PasswordFailed  = "password.reset_failed"
	Unlocked        = "account.unlocked"
	UnlockFailed    = "account.unlock_failed"
	HelpdeskRequest = "helpdesk.request"
	// Viewed is a view of the audit log page, or its refusal.
	Viewed = "audit.viewed"
	// RegistrationChanged: security info added, replaced, removed or
	// confirmed on the "Security info" page.
	RegistrationChanged = "registration.changed"
	// NoticeSent: a notice to the account's owner (its password reset or
	// changed, its account unlocked, its self-service blocked) queued for
	// its addresses, or not for want of one (outcome "no_address").
	NoticeSent = "notice.sent"
)

// Log writes audit events.
type Log struct {
	Store store.Audit
	// ClientIP returns the request's client address as the proxy sees it.
	ClientIP func(*http.Request) string
}

// Record writes e for request r, filling in the client IP and request ID. A
// failure to store the event is logged, never shown to the user.
func (l *Log) Record(r *http.Request, e store.Event) {
	ctx := r.Context()
	if e.IP == "" && l.ClientIP != nil {
		e.IP = l.ClientIP(r)
	}
	if e.RequestID == "" {
		e.RequestID = web.RequestID(ctx)
	}
	if ua := userAgent(r); ua != "" {
		detail := make(map[string]string, len(e.Detail)+1)
		maps.Copy(detail, e.Detail)
		detail["user_agent"] = ua
		e.Detail = detail
	}
	e.Flow = short(e.Flow)
	attrs := []any{"type", e.Type, "outcome", e.Outcome, "flow", e.Flow, "user", e.User, "ip", e.IP}
	for k, v := range e.Detail {
		attrs = append(attrs, k, v)
	}
	log := web.Logger(ctx)
	log.Info("audit", attrs...)
	if err := l.Store.Append(context.WithoutCancel(ctx), e); err != nil {
		log.Error("audit event not stored", "type", e.Type, "err", err)
	}
}

// maxUserAgent is the most of a User-Agent header an event keeps: browsers
// send under 200 bytes.
const maxUserAgent = 256

// userAgent is the request's User-Agent as an event records it: the client's
// word, kept for the reader of the audit, cut to maxUserAgent bytes (on a
// character boundary) and with control characters dropped.
func userAgent(r *http.Request) string {
	ua := strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return -1
		}
		return c
	}, strings.ToValidUTF8(r.UserAgent(), ""))
	if len(ua) <= maxUserAgent {
		return ua
	}
	cut := maxUserAgent
	for cut > 0 && !utf8.RuneStart(ua[cut]) {
		cut--
	}
	return ua[:cut]
}

// short returns a prefix of a flow ID: enough to correlate events, not enough
// to take over the flow (the full ID is the flow's secret handle).
func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
