package register

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Enrolments are the enrolment APIs of the methods the page offers
// (registration.methods): a nil one is not offered. Package
// flows/register/enrolment adapts the method packages to them (this
// package cannot import those: their tests mount this page); the server
// passes the same instances the reset's gates use.
type Enrolments struct {
	Questions QuestionsEnrolment
	AppCode   AppCodeEnrolment
	Passkey   PasskeyEnrolment
	AppNotify AppNotifyEnrolment
}

// Errors the enrolment adapters return for the page to explain.
var (
	// ErrTooManyCodes: too many wrong first codes of an authenticator app.
	ErrTooManyCodes = errors.New("register: too many wrong codes")
	// ErrNoPending: no authenticator key waiting for its first code.
	ErrNoPending = errors.New("register: nothing to confirm")
	// ErrRefused: the browser's passkey did not verify (or no ceremony).
	ErrRefused = errors.New("register: the passkey was refused")
	// ErrNotReady: the notification provider cannot push to the account.
	ErrNotReady = errors.New("register: the account cannot receive notifications")
)

// Remover removes a method's registration; ok is false when there was
// none (nothing to notify).
type Remover interface {
	Remove(ctx context.Context, u idp.User) (methods.Change, bool, error)
}

// QuestionsEnrolment registers security questions.
type QuestionsEnrolment interface {
	Remover
	// Choices are the questions offered; Count how many to answer.
	Choices() []Choice
	Count() int
	// Registered is how many of u's questions are still offered.
	Registered(ctx context.Context, u idp.User) (int, error)
	// Enroll stores answers; a refused set is an *AnswerError.
	Enroll(ctx context.Context, u idp.User, answers []Answer) (methods.Change, error)
}

// Choice is one question to pick: a built-in one's catalogue message, or
// a custom one's text.
type Choice struct{ ID, MessageID, Text string }

// Answer is one typed answer to the question ID Question.
type Answer struct{ Question, Text string }

// AnswerError is a refused set of answers: a catalogue message, and the
// answer it is about (-1 for the whole set).
type AnswerError struct {
	MessageID string
	Index     int
}

func (e *AnswerError) Error() string { return "register: answers refused: " + e.MessageID }

// AppCodeEnrolment registers an authenticator app (TOTP).
type AppCodeEnrolment interface {
	Remover
	// Begin makes a key, pending until Confirm: the QR code as a data:
	// URL of a PNG, and the key as text.
	Begin(ctx context.Context, u idp.User) (qrDataURL, key string, err error)
	// Confirm takes the first code: methods.ErrMismatch, ErrTooManyCodes,
	// ErrNoPending.
	Confirm(ctx context.Context, u idp.User, code string) (methods.Change, error)
	Registered(ctx context.Context, u idp.User) (bool, time.Time, error)
}

// PasskeyEnrolment registers passkeys (WebAuthn).
type PasskeyEnrolment interface {
	Remover
	// BeginRegistration returns the creation options, JSON.
	BeginRegistration(ctx context.Context, u idp.User) ([]byte, error)
	// FinishRegistration checks the browser's answer: ErrRefused.
	FinishRegistration(ctx context.Context, u idp.User, credential []byte) (methods.Change, error)
	Count(ctx context.Context, u idp.User) (int, error)
}

// AppNotifyEnrolment registers a phone for push notifications.
type AppNotifyEnrolment interface {
	Remover
	// Enroll registers u: with a provider that needs one, the topic to
	// subscribe to and its address ("" otherwise); ErrNotReady.
	Enroll(ctx context.Context, u idp.User) (topic, subscribeURL string, ch methods.Change, err error)
	Registered(ctx context.Context, u idp.User) (bool, time.Time, error)
}

// MethodsView is the overview's part about the methods: what is
// registered (never a secret), one section per offered method.
type MethodsView struct {
	Questions *QuestionsStatus
	AppCode   *Registered
	Passkey   *PasskeyStatus
	AppNotify *Registered
}

// Registered says whether a method is registered, and since when
// (YYYY-MM-DD, "" when unknown).
type Registered struct {
	On    bool
	Since string
}

// mountMethods mounts the routes of the offered methods' sections.
func (f *Flow) mountMethods(mux *http.ServeMux, post func(postFunc) http.Handler) {
	p := f.url()
	if f.Methods.Questions != nil {
		mux.Handle("POST "+p+"/security_questions/edit", post(f.questionsEdit))
		mux.Handle("POST "+p+"/security_questions", post(f.questionsSave))
	}
	if f.Methods.AppCode != nil {
		mux.Handle("POST "+p+"/app_code/begin", post(f.appCodeBegin))
		mux.Handle("POST "+p+"/app_code", post(f.appCodeConfirm))
	}
	if f.Methods.Passkey != nil {
		mux.Handle("POST "+p+"/passkey/begin", post(f.passkeyBegin))
		mux.Handle("POST "+p+"/passkey", post(f.passkeyFinish))
	}
	if f.Methods.AppNotify != nil {
		mux.Handle("POST "+p+"/app_notification", post(f.appNotifyEnroll))
	}
	mux.Handle("POST "+p+"/method/remove", post(f.removeMethod))
}

// postFunc is a POST handler of the page, after the flow checks.
type postFunc = func(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error

// methodsView reads what u has registered of the offered methods.
func (f *Flow) methodsView(r *http.Request, u idp.User) (MethodsView, error) {
	var v MethodsView
	ctx := r.Context()
	if m := f.Methods.Questions; m != nil && !u.Privileged {
		n, err := m.Registered(ctx, u)
		if err != nil {
			return v, err
		}
		v.Questions = &QuestionsStatus{Count: n, Need: m.Count()}
	}
	if m := f.Methods.AppCode; m != nil {
		on, at, err := m.Registered(ctx, u)
		if err != nil {
			return v, err
		}
		v.AppCode = &Registered{On: on, Since: day(at)}
	}
	if m := f.Methods.Passkey; m != nil {
		n, err := m.Count(ctx, u)
		if err != nil {
			return v, err
		}
		v.Passkey = &PasskeyStatus{Count: n}
	}
	if m := f.Methods.AppNotify; m != nil {
		on, at, err := m.Registered(ctx, u)
		if err != nil {
			return v, err
		}
		v.AppNotify = &Registered{On: on, Since: day(at)}
	}
	return v, nil
}

// removeMethod removes the registration of the method the form names.
func (f *Flow) removeMethod(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	var (
		ch  methods.Change
		ok  bool
		err error
	)
	var rm Remover
	switch m := f.Methods; r.PostFormValue("method") {
	case "security_questions":
		rm = m.Questions
	case "app_code":
		rm = m.AppCode
	case "passkey":
		rm = m.Passkey
	case "app_notification":
		rm = m.AppNotify
	}
	if rm != nil {
		ch, ok, err = rm.Remove(r.Context(), u)
	}
	if err != nil {
		return err
	}
	if !ok {
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.gone")
	}
	if err := f.methodChanged(r, u, fl, ch); err != nil {
		return err
	}
	return f.done(w, r, fl, []string{stepOverview, stepVerify}, "register.saved.removed")
}

// methodChanged records a method's change and mails it to the account's
// addresses (a method's change leaves the addresses alone: those before it
// are the current ones). The notice names the method; it carries no value.
// A registration also confirms the security info.
func (f *Flow) methodChanged(r *http.Request, u idp.User, fl store.Flow, ch methods.Change) error {
	var c methods.Contact
	var err error
	if ch.Action == methods.ChangeRemoved {
		c, err = f.contact(r, u)
	} else {
		// Registering a method is checking one's security info, as
		// verifying an address is (the re-confirmation policy).
		c, err = f.update(r, u, func(c *methods.Contact) error {
			c.ConfirmedAt = f.opt.Now().UTC().Truncate(1e9)
			return nil
		})
	}
	if err != nil {
		return err
	}
	f.changed(r, u, fl, c, Change{What: ch.Method, Action: ch.Action})
	return nil
}

// methodFailed records a refused enrolment step, without what was typed.
func (f *Flow) methodFailed(r *http.Request, u idp.User, fl store.Flow, method, outcome string) {
	f.Audit.Record(r, store.Event{Type: audit.MethodFailed, Flow: fl.ID, User: u.ID, Outcome: outcome,
		Detail: map[string]string{"method": method, "purpose": codePurpose}})
}

// page renders one of the methods' own pages with the flow's CSRF token.
func (f *Flow) page(w http.ResponseWriter, r *http.Request, fl store.Flow, status int, name string, data any) error {
	f.Pages.Render(w, r, status, name, f.view(w, r, fl, data))
	return nil
}

// scripted is page for a page that runs passkey.js: its policy allows
// frontdoor's own scripts (still no inline script).
func (f *Flow) scripted(w http.ResponseWriter, r *http.Request, fl store.Flow, status int, name string, data any) error {
	web.AllowScripts(w.Header())
	return f.page(w, r, fl, status, name, data)
}

// day writes a time as YYYY-MM-DD (UTC), "" for the zero time.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}
