// Package mobiletext is the mobile_text method, "Text my mobile phone": as
// in the reference, the user first types the full mobile number on the
// account; only when it is that number does a code (6 digits by default,
// 10 minutes, 5 tries) go out by text message, through the gateway of the
// text section and within the toll-fraud budget. The page that follows is
// the same either way.
//
// The number comes from the directory (phone.mobile_attribute) or, when the
// directory has none, from the user's verified registration ("contact"
// section); never from the request.
package mobiletext

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/notify/budget"
	"github.com/frontdoor-sspr/frontdoor/phone"
)

// Name is the method's configuration name.
const Name = "mobile_text"

func init() {
	methods.Register(methods.Spec{
		Name:  Name,
		Kind:  methods.KindCode,
		Needs: "a mobile number on the account (the directory's mobile attribute, or a verified registration)",
		Check: Check,
		New:   New,
	})
}

// Check requires the text section.
func Check(cfg *config.Config) config.Problems {
	if cfg.Text == nil {
		return config.Problems{{Path: "text", Message: "is required when a flow offers the mobile_text method"}}
	}
	return nil
}

// New builds the method from the server's Env.
func New(e methods.Env) methods.Method {
	m := &Method{CodeService: e.Codes, Send: e.SendText, Budget: e.Budget, Registrations: e.Registrations, Digits: 6}
	if c := e.Config; c != nil {
		m.Parser = phone.NewParser(c.Phone)
		m.Sources = methods.Sources(c)
		if c.Text != nil {
			m.Digits = c.Text.CodeDigits
		}
	}
	return m
}

// Method texts a code to the account's mobile phone.
type Method struct {
	*methods.CodeService
	// Send queues the text; it must not block on the gateway.
	Send          func(methods.TextMessage)
	Budget        *budget.Budget
	Parser        phone.Parser
	Registrations methods.Registrations
	// Sources is the order of the directory's and the registered numbers
	// (registration.use_for_reset); nil means the directory's, then the
	// registered one.
	Sources []string
	Digits  int
}

var (
	_ methods.Method = (*Method)(nil)
	_ methods.Asker  = (*Method)(nil)
)

// Name implements methods.Method.
func (*Method) Name() string { return Name }

// Kind implements methods.Method.
func (*Method) Kind() methods.Kind { return methods.KindCode }

// Ask implements methods.Asker: the full mobile number.
func (*Method) Ask() methods.AskField {
	return methods.AskField{Lead: "reset.ask.mobile_text", Label: "reset.ask.mobile", Hint: "reset.ask.phone_hint",
		Autocomplete: "tel", InputType: "tel"}
}

// Hint implements methods.Method: the masked number.
func (m *Method) Hint(ctx context.Context, u idp.User) (string, bool) {
	n, ok := m.number(ctx, u)
	if !ok {
		return "", false
	}
	return phone.Mask(n), true
}

// number is the account's mobile number, valid and in an allowed country:
// the first such of the directory's and the registered one, in the
// operator's order.
func (m *Method) number(ctx context.Context, u idp.User) (phone.Number, bool) {
	return methods.FirstPhone(ctx, m.Registrations, m.Sources, u, "mobile", m.Parser.Parse)
}

// Start implements methods.Method. A code is stored for every target, so
// that a wrong number and an unknown user cost what a right one does; it is
// texted only when the typed number is the account's and the budget allows.
func (m *Method) Start(ctx context.Context, t methods.Target) error {
	var to phone.Number
	matched := false
	if t.User != nil {
		if n, ok := m.number(ctx, *t.User); ok {
			matched = m.Parser.Matches(t.Confirm, n)
			to = n
		}
	}
	dest := ""
	if matched {
		dest = m.limitKey(to)
	}
	code, err := m.Issue(ctx, t, Name, m.Digits, dest)
	if err != nil {
		return err
	}
	if code == "" {
		if m.Budget != nil {
			if err := m.Budget.Idle(ctx, t.FlowID); err != nil {
				return err
			}
		}
		if t.User != nil {
			return &methods.NotSent{Reason: "mismatch"}
		}
		return nil
	}
	if m.Budget != nil {
		if err := m.Budget.Spend(ctx, budget.Text, "id:"+t.User.ID, to); errors.Is(err, budget.ErrTripped) {
			return &methods.NotSent{Reason: "budget"}
		} else if err != nil {
			return err
		}
	}
	if m.Send == nil {
		return errors.New("mobiletext: no text gateway (check-config requires the text section)")
	}
	m.Send(methods.TextMessage{To: to, Lang: t.Lang, Code: code, TTL: m.Lifetime(), Flow: t.FlowID, User: t.Key})
	return nil
}

// limitKey stands for the number in the per-address limit's key: a keyed
// digest, so that the store never holds the number in full.
func (m *Method) limitKey(n phone.Number) string {
	h := hmac.New(sha256.New, m.Secret)
	h.Write([]byte("mobile_text number\x00" + n.E164))
	return "tel:" + hex.EncodeToString(h.Sum(nil)[:12])
}

// Verify implements methods.Method: the answer is the form's code field.
func (m *Method) Verify(ctx context.Context, t methods.Target, form url.Values) error {
	return m.Check(ctx, t, Name, m.Digits, strings.TrimSpace(form.Get("code")))
}
