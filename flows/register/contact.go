package register

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	phonenum "github.com/frontdoor-sspr/frontdoor/phone"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// What can be registered, as Change.What and Pending.What name it.
const (
	whatEmail  = "email"
	whatMobile = "mobile"
	whatOffice = "office"
)

// contact returns u's registered contact.
func (f *Flow) contact(r *http.Request, u idp.User) (methods.Contact, error) {
	return methods.ReadContact(r.Context(), f.Registrations, u.ID)
}

// addEmail sends a code to a new alternate email (added, or replacing the
// one at index "replace").
func (f *Flow) addEmail(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	if !f.opt.Email {
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.not_offered")
	}
	addr := strings.TrimSpace(r.PostFormValue("email"))
	parsed, err := mail.ParseAddress(addr)
	if addr == "" || len(addr) > maxEmailLen || err != nil || parsed.Address != addr || parsed.Name != "" {
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.email")
	}
	c, err := f.contact(r, u)
	if err != nil {
		return err
	}
	old := ""
	if ref := r.PostFormValue("replace"); ref != "" {
		i := findEmail(fl.ID, c.Emails, ref)
		if i < 0 {
			return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.gone")
		}
		old = c.Emails[i]
	}
	same := func(a string) bool { return strings.EqualFold(a, addr) }
	switch {
	case slices.ContainsFunc(c.Emails, same) || slices.ContainsFunc(u.Emails, same):
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.email_known")
	case old == "" && len(c.Emails) >= MaxEmails:
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.email_full")
	}
	return f.sendCode(w, r, u, fl, s, Pending{What: whatEmail, Masked: methods.MaskEmail(addr)}, pendingValue{New: addr, Old: old})
}

// addMobile texts a code to a new mobile number.
func (f *Flow) addMobile(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	if !f.opt.Mobile {
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.not_offered")
	}
	number, ok := f.phone(r, "mobile")
	if !ok {
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.phone")
	}
	return f.sendCode(w, r, u, fl, s, Pending{What: whatMobile, Masked: MaskPhone(number)}, pendingValue{New: number})
}

// phone reads and normalises the form's phone number in field.
func (f *Flow) phone(r *http.Request, field string) (string, bool) {
	raw := strings.TrimSpace(r.PostFormValue(field))
	if raw == "" || utf8.RuneCountInString(raw) > maxPhoneLen {
		return "", false
	}
	number, err := f.NormalizePhone(raw)
	return number, err == nil && number != ""
}

// codeMethod is the method whose send limits and code format a pending
// value's code uses.
func codeMethod(what string) (string, int) {
	if what == whatMobile {
		return "mobile_text", textDigits
	}
	return "email", emailDigits
}

// pendingValue is what Pending.Sealed holds: the new value and the
// alternate email it replaces ("" when it adds one).
type pendingValue struct {
	New string `json:"new"`
	Old string `json:"old,omitempty"`
}

// sendCode issues a code for p, sends it to v.New, and moves the flow to
// the code step.
func (f *Flow) sendCode(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State, p Pending, v pendingValue) error {
	value := v.New
	ctx := r.Context()
	lang := f.Pages.Templates.Lang(r)
	method, digits := codeMethod(p.What)
	t := methods.Target{FlowID: fl.ID, Purpose: codePurpose, Lang: lang.String(), User: &u}
	code, err := f.Codes.Issue(ctx, t, method, digits, value)
	if errors.Is(err, methods.ErrTooMany) {
		return f.render(w, r, u, fl, s, http.StatusTooManyRequests, "reset.error.too_many_codes")
	}
	if err != nil {
		return err
	}
	if p.What == whatMobile {
		body, err := f.Pages.Templates.Message(lang, "register.text.code", "Code", code)
		if err != nil {
			return err
		}
		if err := f.SendText(ctx, u.ID, value, body); err != nil {
			f.Audit.Record(r, store.Event{Type: audit.MethodFailed, Flow: fl.ID, User: u.ID, Outcome: "send_failed", Detail: map[string]string{"method": method, "purpose": codePurpose}})
			return f.render(w, r, u, fl, s, http.StatusBadGateway, "register.error.text_failed")
		}
	} else {
		f.SendEmailCode(r, value, code, f.Codes.Lifetime())
	}
	sealed, err := json.Marshal(v)
	if err != nil {
		return err
	}
	p.Sealed = f.Sealer.Seal(flowAAD(fl.ID), sealed)
	_, err = flows.Advance(ctx, f.Engine, fl, []string{stepOverview, stepVerify}, func(st *State) (string, error) {
		st.Pending, st.Flash = &p, ""
		return stepVerify, nil
	})
	if err != nil {
		return f.stepError(w, r, err)
	}
	f.Audit.Record(r, store.Event{Type: audit.MethodSent, Flow: fl.ID, User: u.ID, Outcome: "ok", Detail: map[string]string{"method": method, "purpose": codePurpose}})
	http.Redirect(w, r, f.url(), http.StatusSeeOther)
	return nil
}

// flowAAD binds a pending value to its flow.
func flowAAD(flowID string) string { return "flow\x00" + flowID }

// verify checks the code of the pending value and, when it matches, saves
// the value.
func (f *Flow) verify(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	p := s.Pending
	if fl.Step != stepVerify || p == nil {
		http.Redirect(w, r, f.url(), http.StatusSeeOther)
		return nil
	}
	method, digits := codeMethod(p.What)
	t := methods.Target{FlowID: fl.ID, Purpose: codePurpose, User: &u}
	switch err := f.Codes.Check(r.Context(), t, method, digits, r.PostFormValue("code")); {
	case errors.Is(err, methods.ErrMismatch):
		f.Audit.Record(r, store.Event{Type: audit.MethodFailed, Flow: fl.ID, User: u.ID, Outcome: "mismatch", Detail: map[string]string{"method": method, "purpose": codePurpose}})
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "reset.error.code")
	case errors.Is(err, methods.ErrExhausted), errors.Is(err, methods.ErrExpired):
		f.Audit.Record(r, store.Event{Type: audit.MethodFailed, Flow: fl.ID, User: u.ID, Outcome: "gone", Detail: map[string]string{"method": method, "purpose": codePurpose}})
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "reset.error.code_gone")
	case err != nil:
		return err
	}
	plain, _, err := f.Sealer.Open(flowAAD(fl.ID), p.Sealed)
	if err != nil {
		return err
	}
	var v pendingValue
	if err := json.Unmarshal(plain, &v); err != nil {
		return err
	}
	action := "added"
	before, err := f.update(r, u, func(c *methods.Contact) error {
		same := func(a string) bool { return strings.EqualFold(a, v.New) }
		switch i := slices.IndexFunc(c.Emails, func(a string) bool { return strings.EqualFold(a, v.Old) }); {
		case p.What == whatMobile:
			if c.Mobile != "" {
				action = "replaced"
			}
			c.Mobile = v.New
		case slices.ContainsFunc(c.Emails, same):
			return errGone // added meanwhile, in another tab
		case v.Old != "" && i >= 0:
			action = "replaced"
			c.Emails[i] = v.New
		case v.Old != "", len(c.Emails) >= MaxEmails:
			return errGone // the address to replace went, or the list filled up
		default:
			c.Emails = append(c.Emails, v.New)
		}
		c.ConfirmedAt = f.opt.Now().UTC().Truncate(1e9)
		return nil
	})
	if errors.Is(err, errGone) {
		return f.done(w, r, fl, []string{stepVerify}, "register.error.gone")
	}
	if err != nil {
		return err
	}
	f.changed(r, u, fl, before, Change{What: p.What, Action: action, Masked: p.Masked})
	return f.done(w, r, fl, []string{stepVerify}, "register.saved."+p.What)
}

var errGone = errors.New("register: the item changed meanwhile")

// setOffice stores an office number; it is not verified.
func (f *Flow) setOffice(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	if !f.opt.Office {
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.not_offered")
	}
	number, ok := f.phone(r, "office")
	if !ok {
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.phone")
	}
	action := "added"
	before, err := f.update(r, u, func(c *methods.Contact) error {
		if c.Office != "" {
			action = "replaced"
		}
		c.Office = number
		return nil
	})
	if err != nil {
		return err
	}
	f.changed(r, u, fl, before, Change{What: whatOffice, Action: action, Masked: MaskPhone(number)})
	return f.done(w, r, fl, []string{stepOverview, stepVerify}, "register.saved.office")
}

// remove deletes one item: "email:" and the address's reference (emailRef),
// "mobile" or "office".
func (f *Flow) remove(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	item := r.PostFormValue("item")
	var ch Change
	before, err := f.update(r, u, func(c *methods.Contact) error {
		ch = Change{Action: "removed"}
		switch {
		case item == whatMobile && c.Mobile != "":
			ch.What, ch.Masked, c.Mobile = whatMobile, MaskPhone(c.Mobile), ""
		case item == whatOffice && c.Office != "":
			ch.What, ch.Masked, c.Office = whatOffice, MaskPhone(c.Office), ""
		case strings.HasPrefix(item, "email:"):
			i := findEmail(fl.ID, c.Emails, strings.TrimPrefix(item, "email:"))
			if i < 0 {
				return errGone
			}
			ch.What, ch.Masked = whatEmail, methods.MaskEmail(c.Emails[i])
			c.Emails = slices.Delete(c.Emails, i, i+1)
		default:
			return errGone
		}
		return nil
	})
	if errors.Is(err, errGone) {
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.gone")
	}
	if err != nil {
		return err
	}
	f.changed(r, u, fl, before, ch)
	return f.done(w, r, fl, []string{stepOverview, stepVerify}, "register.saved.removed")
}

// confirm records that the user has checked their security info and it is
// right ("looks good"), for the re-confirmation policy.
func (f *Flow) confirm(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	if _, err := f.update(r, u, func(c *methods.Contact) error {
		c.ConfirmedAt = f.opt.Now().UTC().Truncate(1e9)
		return nil
	}); err != nil {
		return err
	}
	f.Audit.Record(r, store.Event{Type: audit.RegistrationChanged, Flow: fl.ID, User: u.ID, Outcome: "ok", Detail: map[string]string{"action": "confirmed"}})
	return f.done(w, r, fl, []string{stepOverview, stepVerify}, "register.saved.confirmed")
}

// cancel drops the value being verified.
func (f *Flow) cancel(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	return f.done(w, r, fl, []string{stepOverview, stepVerify}, "")
}

// update applies fn to u's contact as one compare-and-swap and returns the
// contact as it was before.
func (f *Flow) update(r *http.Request, u idp.User, fn func(c *methods.Contact) error) (methods.Contact, error) {
	var c, before methods.Contact
	err := f.Registrations.Update(r.Context(), u.ID, methods.SectionContact, &c, func(bool) error {
		before = c
		before.Emails = slices.Clone(c.Emails)
		return fn(&c)
	})
	return before, err
}

// changed records a change and mails it to the addresses the account had
// before it.
func (f *Flow) changed(r *http.Request, u idp.User, fl store.Flow, before methods.Contact, c Change) {
	c.Time = f.opt.Now()
	f.Audit.Record(r, store.Event{Type: audit.RegistrationChanged, Flow: fl.ID, User: u.ID, Outcome: "ok",
		Detail: map[string]string{"what": c.What, "action": c.Action}})
	var to []string
	for _, a := range append(slices.Clone(u.Emails), before.Emails...) {
		if a != "" && !slices.ContainsFunc(to, func(b string) bool { return strings.EqualFold(a, b) }) {
			to = append(to, a)
		}
	}
	if len(to) > 0 && f.Notify != nil {
		f.Notify(r, u, to, c)
	}
}

// emailRef names an alternate email in the page's forms without showing
// it: a digest of the address within the flow. Unlike an index, it cannot
// come to mean another address when the list changes meanwhile.
func emailRef(flowID, addr string) string {
	sum := sha256.Sum256([]byte("frontdoor email ref\x00" + flowID + "\x00" + strings.ToLower(addr)))
	return hex.EncodeToString(sum[:8])
}

// findEmail returns the index of the address ref names, or -1.
func findEmail(flowID string, emails []string, ref string) int {
	return slices.IndexFunc(emails, func(a string) bool { return emailRef(flowID, a) == ref })
}

// MaskPhone shows the last two digits of a number: "+*********78".
func MaskPhone(number string) string { return phonenum.MaskTail(number) }
