package register

import (
	"net/http"

	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/returnto"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
)

// Overview is the data of the "register" page: what is registered, masked,
// and the forms that change it.
type Overview struct {
	// Directory lists the account's own values, read-only.
	Directory []Item
	// Emails are the registered alternate emails.
	Emails       []Item
	Mobile       string
	Office       string
	CanEmail     bool
	CanAddEmail  bool
	CanMobile    bool
	CanOffice    bool
	ConfirmedAt  string
	Flash, Error string
	// Continue is the application to go on to; none when empty.
	Continue  string
	AddEmail  templates.Form
	AddMobile templates.Form
	SetOffice templates.Form
	// Methods are the sections of the offered methods (methods.go).
	Methods MethodsView
}

// Item is one registered value, masked. Label is a message ID; Ref names
// an alternate email in the forms (emailRef).
type Item struct {
	Label  string
	Masked string
	Ref    string
}

// Verify is the data of the "register_verify" page.
type Verify struct {
	Masked string
	// Text is true for a code sent by text message.
	Text  bool
	Form  templates.Form
	Error string
}

// render shows the flow's current step.
func (f *Flow) render(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State, status int, msg string) error {
	view := templates.View{CSRFToken: f.CSRF.Token(w, r, flows.Binding(fl)), Here: f.url()}
	if fl.Step == stepVerify && s.Pending != nil {
		v := Verify{Masked: s.Pending.Masked, Text: s.Pending.What == whatMobile, Error: msg}
		hint := "register.verify.code_hint_email"
		if v.Text {
			hint = "register.verify.code_hint_text"
		}
		v.Form = templates.Form{Action: "register/verify", Submit: "register.verify.submit", Fields: []templates.Field{{
			Name: "code", Label: "reset.verify.code", Hint: hint, Type: "text", Autocomplete: "one-time-code",
			Required: true, Autofocus: true, Error: msg}}}
		view.Data = v
		f.Pages.Render(w, r, status, "register_verify", view)
		return nil
	}
	c, err := f.contact(r, u)
	if err != nil {
		return err
	}
	o := Overview{CanEmail: f.opt.Email, CanMobile: f.opt.Mobile, CanOffice: f.opt.Office, Flash: s.Flash, Error: msg,
		CanAddEmail: f.opt.Email && len(c.Emails) < MaxEmails}
	for _, e := range u.Emails {
		o.Directory = append(o.Directory, Item{Label: "register.directory.email", Masked: methods.MaskEmail(e)})
	}
	if u.Mobile != "" {
		o.Directory = append(o.Directory, Item{Label: "register.directory.mobile", Masked: MaskPhone(u.Mobile)})
	}
	if u.Phone != "" {
		o.Directory = append(o.Directory, Item{Label: "register.directory.office", Masked: MaskPhone(u.Phone)})
	}
	for _, e := range c.Emails {
		o.Emails = append(o.Emails, Item{Label: "register.email.label", Masked: methods.MaskEmail(e), Ref: emailRef(fl.ID, e)})
	}
	if c.Mobile != "" {
		o.Mobile = MaskPhone(c.Mobile)
	}
	if c.Office != "" {
		o.Office = MaskPhone(c.Office)
	}
	if s.ReturnTo != "" {
		o.Continue = returnto.Absolute(f.opt.PublicURL, s.ReturnTo)
	}
	if !c.ConfirmedAt.IsZero() {
		o.ConfirmedAt = c.ConfirmedAt.UTC().Format("2006-01-02")
	}
	o.AddEmail = templates.Form{Action: "register/email", Submit: "register.email.add", Fields: []templates.Field{{
		Name: "email", Type: "email", Label: "register.email.new", Hint: "register.email.hint", Autocomplete: "email", Required: true}}}
	o.AddMobile = templates.Form{Action: "register/mobile", Submit: "register.mobile.save", Fields: []templates.Field{{
		Name: "mobile", Type: "tel", Label: "register.mobile.new", Hint: "register.phone.hint", Autocomplete: "tel", Required: true}}}
	o.SetOffice = templates.Form{Action: "register/office", Submit: "register.office.save", Fields: []templates.Field{{
		Name: "office", Type: "tel", Label: "register.office.new", Hint: "register.office.hint", Autocomplete: "tel", Required: true}}}
	if o.Methods, err = f.methodsView(r, u); err != nil {
		return err
	}
	view.Data = o
	f.Pages.Render(w, r, status, "register", view)
	return nil
}

// view is a page's view with the flow's CSRF token, for the methods' pages.
func (f *Flow) view(w http.ResponseWriter, r *http.Request, fl store.Flow, data any) templates.View {
	return templates.View{CSRFToken: f.CSRF.Token(w, r, flows.Binding(fl)), Here: f.url(), Data: data}
}
