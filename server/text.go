package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/text/language"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/notify"
	"github.com/frontdoor-sspr/frontdoor/notify/budget"
	"github.com/frontdoor-sspr/frontdoor/notify/text"
	"github.com/frontdoor-sspr/frontdoor/phone"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// textSendTimeout bounds one text's delivery to the gateway.
const textSendTimeout = 30 * time.Second

// maxTextsInFlight bounds the texts being handed to the gateway at once; a
// text past it is dropped and logged (the user can ask for a new code).
const maxTextsInFlight = 32

// phoneParts are the text gateway and the toll-fraud budget that the text
// and call methods share.
type phoneParts struct {
	sender  text.Sender // nil without a text section
	budget  *budget.Budget
	tripped *prometheus.CounterVec
	slots   chan struct{}
	wg      sync.WaitGroup
}

// buildPhone sets up the text gateway and the budget.
func (s *Server) buildPhone() error {
	p := &phoneParts{slots: make(chan struct{}, maxTextsInFlight),
		tripped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "frontdoor_toll_budget_tripped_total",
			Help: "Texts and calls refused because a toll-fraud budget was reached, by kind and limit."}, []string{"kind", "limit"})}
	s.metrics.Registry.MustRegister(p.tripped)
	p.budget = &budget.Budget{Limits: s.store.Limits(), Config: s.cfg.Budgets, Secret: s.secret, OnTrip: s.budgetTripped}
	s.phone = p
	// Texts in flight and budget alerts end before the server does.
	s.closers = append(s.closers, func() error { p.wg.Wait(); return nil })
	if s.cfg.Text == nil {
		return nil
	}
	if s.cfg.Phone == nil || len(s.cfg.Phone.AllowedCountries) == 0 {
		s.log.Warn("phone.allowed_countries is empty: texts and calls may go to every country; list the countries your users' numbers are in")
	}
	var mail func(notify.Message)
	if s.mail != nil {
		mail = s.mail.Enqueue
	}
	sender, err := text.New(*s.cfg.Text, mail)
	if err != nil {
		return err
	}
	p.sender = sender
	return nil
}

// sendText words a code text in the user's language and hands it to the
// gateway in the background: the request neither waits for the gateway nor
// shows, by its time, whether a text went out.
func (s *Server) sendText(m methods.TextMessage) {
	p := s.phone
	body, err := s.templates.Message(language.Make(m.Lang), "text.code", "Code", m.Code, "Minutes", int(m.TTL.Minutes()))
	if err != nil {
		s.log.Error("wording a text message failed", "err", err)
		return
	}
	select {
	case p.slots <- struct{}{}:
	default:
		s.log.Error("too many text messages in flight, message dropped", "to", m.To)
		s.textFailed(m, "dropped")
		return
	}
	p.wg.Add(1)
	go func() {
		defer func() { <-p.slots; p.wg.Done() }()
		ctx, cancel := context.WithTimeout(context.Background(), textSendTimeout)
		defer cancel()
		if err := p.sender.Send(ctx, m.To, body); err != nil {
			s.log.Error("sending a text message failed", "to", m.To, "provider", s.cfg.Text.Provider, "err", err)
			s.textFailed(m, "gateway")
			return
		}
		s.log.Info("text message sent", "to", m.To, "provider", s.cfg.Text.Provider)
	}()
}

// textFailed audits a code text that did not go out: the number masked,
// never the code. reason is "gateway" (refused or unreachable) or
// "dropped" (too many in flight).
func (s *Server) textFailed(m methods.TextMessage, reason string) {
	flow := m.Flow
	if len(flow) > 8 {
		flow = flow[:8] // enough to correlate, not the flow's handle
	}
	ctx, cancel := context.WithTimeout(context.Background(), alertTimeout)
	defer cancel()
	e := store.Event{Type: audit.SendFailed, Flow: flow, User: m.User, Outcome: "failed",
		Detail: map[string]string{"method": "mobile_text", "reason": reason, "provider": s.cfg.Text.Provider, "to": phone.Mask(m.To)}}
	if err := s.store.Audit().Append(ctx, e); err != nil {
		s.log.Error("audit event not stored", "type", e.Type, "err", err)
	}
}

// budgetTripped logs a refused send (the number masked), counts it, and
// alerts the admins by mail at most once an hour per kind and limit, across
// replicas. The alert is made in the background: the request that trips a
// budget must not take longer than one that does not.
func (s *Server) budgetTripped(ctx context.Context, t budget.Trip) {
	s.log.Warn("toll-fraud budget reached: nothing sent", "kind", t.Kind, "limit", t.Limit, "country", t.Country, "to", t.To, "user", t.Account)
	s.phone.tripped.WithLabelValues(string(t.Kind), t.Limit).Inc()
	if s.mail == nil {
		return
	}
	s.phone.wg.Add(1)
	go func() {
		defer s.phone.wg.Done()
		s.budgetAlert(context.WithoutCancel(ctx), t)
	}()
}

// budgetAlert mails the admins of a trip, at most once an hour per kind and
// limit across replicas.
func (s *Server) budgetAlert(ctx context.Context, t budget.Trip) {
	first, _, _, err := s.store.Limits().Hit(ctx, fmt.Sprintf("budget-alert:%s:%s", t.Kind, t.Limit), time.Hour, 1)
	if err != nil || !first {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), alertTimeout)
	defer cancel()
	to, err := s.helpdeskRecipients(ctx)
	if err != nil || len(to) == 0 {
		s.log.Error("a toll-fraud budget was reached but no admin could be alerted: set helpdesk.email or helpdesk.group", "err", err)
		return
	}
	lang := s.templates.Negotiate("")
	data := struct{ Kind, Limit, Time string }{string(t.Kind), t.Limit, mailTime(s.now())}
	for _, addr := range to {
		s.sendMail(addr, "budget_alert", lang, data)
	}
}
