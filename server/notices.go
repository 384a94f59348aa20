package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/helpdesk"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// maxHelpdeskRecipients bounds the members of a helpdesk group who are mailed.
const maxHelpdeskRecipients = 100

// alertTimeout bounds the directory lookup behind an admin alert.
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
	lang := s.templates.Negotiate("")
	for _, addr := range to {
		s.sendMail(addr, "helpdesk", lang, data)
	}
}

// doneMail is the data of the confirmations (reset_done, unlock_done).
type doneMail struct {
	Login, Time string
	// Contact is whom to tell when the user did not do this: the helpdesk's
	// address or page, or empty (the administrator, unnamed).
	Contact string
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
	lang := s.templates.Lang(r)
	for _, to := range s.userAddresses(r.Context(), u) {
		s.sendMail(to, "unlock_done", lang, doneMail{u.Login, mailTime(s.now()), s.contact()})
	}
	s.alertAdmins(r, "unlock", u)
}

// alertAdmins tells the helpdesk (its address or its group's members) that a
// privileged account was reset or unlocked through self-service. It runs on
// the request, which has passed every gate: a group lookup costs that
// user a directory search, and nothing outlives the server's mail queue.
func (s *Server) alertAdmins(r *http.Request, event string, u idp.User) {
	if !u.Privileged || s.mail == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), alertTimeout)
	defer cancel()
	to, err := s.helpdeskRecipients(ctx)
	if err != nil || len(to) == 0 {
		s.log.Error("a privileged account changed but no admin could be alerted: set helpdesk.email or helpdesk.group",
			"event", event, "user", u.ID, "err", err, "request_id", web.RequestID(r.Context()))
		return
	}
	data := struct{ Event, Login, ID, Time string }{event, u.Login, u.ID, mailTime(s.now())}
	lang := s.templates.Negotiate("")
	for _, addr := range to {
		s.sendMail(addr, "admin_alert", lang, data)
	}
}
