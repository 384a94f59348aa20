package flowtest

import (
	"context"
	"net/url"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

// OldPassword is the password every user AddUser makes starts with.
const OldPassword = "Old-Password-2026!"

// AddUser puts a user called login in the directory, with the stable ID
// "id-"+login, the mail address login@example.test and the mobile number
// +15550100, changed by each of edit; it returns the user as stored.
func (e *Env) AddUser(login string, edit ...func(*idp.User)) idp.User {
	u := idp.User{ID: "id-" + login, Login: login, DisplayName: "User " + login, GivenName: "User", Surname: login,
		Emails: []string{login + "@example.test"}, Mobile: "+15550100"}
	for _, fn := range edit {
		fn(&u)
	}
	e.Dir.Add(u, OldPassword)
	return u
}

// TextMethod returns a second code method, "sms", that texts the code to
// the account's mobile number; Mail records its messages with the number
// in To. It is built on the shared CodeService, as a real one is.
func (e *Env) TextMethod() methods.Method { return &textMethod{e: e} }

type textMethod struct{ e *Env }

func (*textMethod) Name() string       { return "sms" }
func (*textMethod) Kind() methods.Kind { return methods.KindCode }

func (*textMethod) Hint(_ context.Context, u idp.User) (string, bool) {
	if u.Mobile == "" {
		return "", false
	}
	return "***" + u.Mobile[len(u.Mobile)-2:], true
}

func (m *textMethod) Start(ctx context.Context, t methods.Target) error {
	to := ""
	if t.User != nil {
		to = t.User.Mobile
	}
	code, err := m.e.Codes.Issue(ctx, t, "sms", 6, to)
	if err != nil || code == "" {
		return err
	}
	m.e.sendCode(methods.EmailMessage{To: to, Lang: t.Lang, Code: code, User: *t.User})
	return nil
}

func (m *textMethod) Verify(ctx context.Context, t methods.Target, form url.Values) error {
	return m.e.Codes.Check(ctx, t, "sms", 6, form.Get("code"))
}

// AskMethod returns "mobile_text" as the gate sees a phone method: it asks
// for the full number (methods.Asker) and texts a code, recorded as Mail to
// the number, only when the answer is the account's mobile number;
// otherwise it reports methods.NotSent.
func (e *Env) AskMethod() methods.Method { return &askMethod{textMethod{e: e}} }

type askMethod struct{ textMethod }

func (*askMethod) Name() string { return "mobile_text" }

func (*askMethod) Ask() methods.AskField {
	return methods.AskField{Lead: "reset.ask.mobile_text", Label: "reset.ask.mobile", Hint: "reset.ask.phone_hint", InputType: "tel"}
}

func (m *askMethod) Start(ctx context.Context, t methods.Target) error {
	to := ""
	if t.User != nil && t.Confirm == t.User.Mobile {
		to = t.User.Mobile
	}
	code, err := m.e.Codes.Issue(ctx, t, "mobile_text", 6, to)
	if err != nil {
		return err
	}
	if t.User != nil && to == "" {
		return &methods.NotSent{Reason: "mismatch"}
	}
	if code != "" {
		m.e.sendCode(methods.EmailMessage{To: to, Lang: t.Lang, Code: code, User: *t.User})
	}
	return nil
}

func (m *askMethod) Verify(ctx context.Context, t methods.Target, form url.Values) error {
	return m.e.Codes.Check(ctx, t, "mobile_text", 6, form.Get("code"))
}
