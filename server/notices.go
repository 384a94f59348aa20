package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/flows/helpdesk"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
	"golang.org/x/text/language"
)

// maxHelpdeskRecipients bounds the members of a helpdesk group who are mailed.
const maxHelpdeskRecipients = 100

// alertTimeout bounds what an alert or a notice asks of the directory and
// the store (recipients, the once-a-window mark).
const alertTimeout = 10 * time.Second

// mailTime formats a time for the emails.
func mailTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") }

// helpdeskRecipients returns the helpdesk's addresses: the configured one,
// or the mail addresses of the members of the configured group (at most 100).
func (s *Server) helpdeskRecipients(ctx context.Context) ([]string, error) {
	h := s.cfg.Helpdesk
	switch {
	case h == nil:
		return nil, nil
	case h.Email != "":
		return []string{h.Email}, nil
	case h.Group == "":
		return nil, nil
	}
	lister, ok := s.directory.(idp.GroupLister)
	if !ok { // check-config refuses this configuration
		return nil, errors.New("helpdesk.group needs a directory that can list group members")
	}
	members, err := lister.GroupMembers(ctx, h.Group, maxHelpdeskRecipients)
	if err != nil {
		return nil, err
	}
	var to []string
	for _, u := range members {
		if m := strings.ToLower(u.Email()); m != "" && !slices.Contains(to, m) {
			to = append(to, m)
		}
	}
	return to, nil
}

// sendHelpdesk mails a helpdesk request to each recipient separately, in
// the service's default language.
func (s *Server) sendHelpdesk(to []string, req helpdesk.Request) {
	data := struct{ Reference, Login, Message, IP, RequestID, Time string }{
		req.Reference, req.Login, req.Message, req.IP, req.RequestID, mailTime(req.Time)}
	s.tellHelpdesk(to, "helpdesk", data)
}

// doneMail is the data of the mails to an account's owner (reset_done,
// unlock_done, change_done, blocked_notice).
type doneMail struct {
	Login, Time string
	// Contact is whom to tell when the user did not do this: the helpdesk's
	// address or page, or empty (the administrator, unnamed).
	Contact string
	// Address is the network address the request came from, as frontdoor
	// believes it (X-Forwarded-For only from a trusted proxy), so that the
	// owner can tell whether it was them.
	Address string
}

// tellOwner queues the notice email (reset_done, unlock_done, change_done)
// for each of the account's addresses, and records that it did.
func (s *Server) tellOwner(r *http.Request, u idp.User, email string, to []string, lang language.Tag) {
	if s.mail == nil {
		return // no email section: the flows use texts, calls or questions only
	}
	data := s.doneMail(r, u)
	for _, addr := range to {
		s.sendMail(addr, email, lang, data)
	}
	s.noticeEvent(r, u, email, len(to))
}

// noticeEvent records a notice to the owner of u: queued for n addresses,
// or for none.
func (s *Server) noticeEvent(r *http.Request, u idp.User, email string, n int) {
	if s.audit == nil {
		return
	}
	outcome := "queued"
	if n == 0 {
		outcome = "no_address"
	}
	s.audit.Record(r, store.Event{Type: audit.NoticeSent, User: gate.AccountKey(u), Outcome: outcome,
		Detail: map[string]string{"notice": email, "addresses": strconv.Itoa(n)}})
}

// doneMail is the mail's data for u, about request r, now.
func (s *Server) doneMail(r *http.Request, u idp.User) doneMail {
	d := doneMail{Login: u.Login, Time: mailTime(s.now()), Contact: s.contact()}
	if a := s.proxy.ClientIP(r); a.IsValid() {
		d.Address = a.String()
	}
	return d
}

// contact is the helpdesk's address or page for the confirmations, when
// the configuration names one (a group has no address to give).
func (s *Server) contact() string {
	if h := s.cfg.Helpdesk; h != nil {
		if h.Email != "" {
			return h.Email
		}
		return h.URL
	}
	return ""
}

// confirmUnlock tells the user their account was unlocked, at every address
// on the account, and alerts the helpdesk when the account is privileged.
func (s *Server) confirmUnlock(r *http.Request, u idp.User) {
	s.tellOwner(r, u, "unlock_done", s.userAddresses(r.Context(), u), s.templates.Lang(r))
	s.alertAdmins(r, "unlock", u)
}

// alertAdmins tells the helpdesk (its address or its group's members) that a
// privileged account was reset or unlocked through self-service. It runs on
// the request, which has passed every gate: a group lookup costs that
// user a directory search, and nothing outlives the server's mail queue.
// Without a helpdesk address or group it logs that nobody could be told.
func (s *Server) alertAdmins(r *http.Request, event string, u idp.User) {
	if !u.Privileged || s.mail == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), alertTimeout)
	defer cancel()
	to, ok := s.alertRecipients(ctx, event, u, true)
	if !ok {
		return
	}
	s.tellHelpdesk(to, "admin_alert", struct{ Event, Login, ID, Time string }{event, u.Login, u.ID, mailTime(s.now())})
}

// alertWindow is the period within which one account raises one kind of
// alert at most once; alertsPerHour bounds each kind of alert across every
// account, for a directory with many managed accounts.
const (
	alertWindow   = 24 * time.Hour
	alertsPerHour = 20
)

// alertRefused tells the helpdesk that self-service was asked to reset
// (kind "reset") or unlock an account managed elsewhere, once per account
// and kind per alertWindow. It sends in the background: identify takes the
// same time for every account, and a group lookup for the helpdesk's
// addresses would tell this one apart.
func (s *Server) alertRefused(r *http.Request, kind string, u idp.User) {
	data := struct{ Kind, Login, ID, Time string }{kind, u.Login, u.ID, mailTime(s.now())}
	s.alertOnce(r, "refused_alert", "refused:"+kind, u, data)
}

// alertCapped tells the helpdesk, once per account per alertWindow, that
// unlock.daily_cap refused an unlock: an account that keeps getting locked
// may be under a password-guessing attack, and each unlock allows more
// guesses.
func (s *Server) alertCapped(r *http.Request, u idp.User) {
	data := struct {
		Login, ID, Time string
		Cap             int
	}{u.Login, u.ID, mailTime(s.now()), s.cfg.Unlock.DailyCap}
	s.alertOnce(r, "capped_alert", "capped", u, data)
}

// alertOnce sends the alert email to the helpdesk, after r is answered,
// unless u raised the same event within alertWindow, or alertsPerHour such
// alerts went out already. These alerts need helpdesk.email or
// helpdesk.group; without either they are not sent, as docs/operations.md
// says.
func (s *Server) alertOnce(r *http.Request, email, event string, u idp.User, data any) {
	if s.mail == nil {
		return
	}
	ctx := context.WithoutCancel(r.Context())
	s.inBackground(func() { s.sendAlertOnce(ctx, email, event, u, data) })
}

func (s *Server) sendAlertOnce(ctx context.Context, email, event string, u idp.User, data any) {
	ctx, cancel := context.WithTimeout(ctx, alertTimeout)
	defer cancel()
	to, ok := s.alertRecipients(ctx, event, u, false)
	if !ok || !s.firstInWindow(ctx, "alert:"+event, u) {
		return
	}
	ok, _, _, err := s.store.Limits().Hit(ctx, "alert:"+event+":all", time.Hour, alertsPerHour)
	switch {
	case err != nil:
		s.log.Error("helpdesk alert not sent: the store failed", "event", event, "user", u.ID, "err", err, "request_id", web.RequestID(ctx))
		return
	case !ok:
		s.log.Warn("helpdesk alert not sent: too many this hour; see the audit log", "event", event, "user", u.ID,
			"per_hour", alertsPerHour, "request_id", web.RequestID(ctx))
		return
	}
	s.tellHelpdesk(to, email, data)
}

// alertRecipients returns the helpdesk's addresses for an alert, and false
// when there are none to write to, which it logs: a helpdesk group that
// could not be read or has no addresses always, a configuration without
// helpdesk.email or helpdesk.group only when required (the alerts about a
// privileged account that changed, which an operator must set up for).
func (s *Server) alertRecipients(ctx context.Context, event string, u idp.User, required bool) ([]string, bool) {
	to, err := s.helpdeskRecipients(ctx)
	configured := s.cfg.Helpdesk != nil && (s.cfg.Helpdesk.Email != "" || s.cfg.Helpdesk.Group != "")
	switch {
	case err != nil:
		s.log.Error("the helpdesk could not be alerted", "event", event, "user", u.ID, "err", err, "request_id", web.RequestID(ctx))
	case len(to) == 0 && configured:
		s.log.Error("the helpdesk has no address to write to", "event", event, "user", u.ID, "request_id", web.RequestID(ctx))
	case len(to) == 0 && required:
		s.log.Error("the helpdesk could not be alerted: set helpdesk.email or helpdesk.group", "event", event, "user", u.ID,
			"request_id", web.RequestID(ctx))
	}
	return to, err == nil && len(to) > 0
}

// firstInWindow tells whether this is the first event of its kind for u
// within alertWindow, on any replica (the store's limits). A store that
// fails answers false, and the mail is not sent.
func (s *Server) firstInWindow(ctx context.Context, event string, u idp.User) bool {
	first, _, _, err := s.store.Limits().Hit(ctx, event+":"+gate.AccountKey(u), alertWindow, 1)
	if err != nil {
		s.log.Error("could not tell whether the mail was sent already", "event", event, "user", u.ID,
			"err", err, "request_id", web.RequestID(ctx))
	}
	return first && err == nil
}

// noticeBlocked tells the owner of u, at every address on the account,
// that wrong answers blocked its reset and unlock for a day: someone may
// be trying to take the account over. Once per account per alertWindow;
// in the background, so that the step that blocks takes no longer for a
// real account than for an unknown user ID.
func (s *Server) noticeBlocked(r *http.Request, u idp.User) {
	if s.mail == nil {
		return
	}
	ctx := context.WithoutCancel(r.Context())
	data := s.doneMail(r, u)
	req := r.Clone(ctx) // the event's request, apart from the handler's
	s.inBackground(func() {
		ctx, cancel := context.WithTimeout(ctx, alertTimeout)
		defer cancel()
		to := s.userAddresses(ctx, u)
		if len(to) == 0 || !s.firstInWindow(ctx, "notice:blocked", u) {
			return
		}
		lang := s.templates.Negotiate("") // the requester may not be the owner
		for _, addr := range to {
			s.sendMail(addr, "blocked_notice", lang, data)
		}
		s.noticeEvent(req.WithContext(ctx), u, "blocked_notice", len(to))
	})
}

// tellHelpdesk queues the email for every helpdesk address, in the
// default language.
func (s *Server) tellHelpdesk(to []string, email string, data any) {
	lang := s.templates.Negotiate("")
	for _, addr := range to {
		s.sendMail(addr, email, lang, data)
	}
}

// maxBackground bounds the alerts and notices being sent in the background.
const maxBackground = 32

// inBackground runs fn after the request, unless maxBackground are running
// already (it is then dropped, and logged) or the server is closing.
func (s *Server) inBackground(fn func()) {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.bgClosed {
		return
	}
	if s.bgRunning >= maxBackground {
		s.log.Warn("too many alerts and notices in flight; one was dropped", "max", maxBackground)
		return
	}
	s.bgRunning++
	s.background.Go(func() {
		defer func() {
			s.bgMu.Lock()
			s.bgRunning--
			s.bgMu.Unlock()
		}()
		fn()
	})
}

// stopBackground lets no more work start in the background and waits for
// what runs.
func (s *Server) stopBackground() {
	s.bgMu.Lock()
	s.bgClosed = true
	s.bgMu.Unlock()
	s.background.Wait()
}
