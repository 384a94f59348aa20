// Package enrolment adapts the enrolment APIs of the methods that keep
// enrolment data (security_questions, app_code, passkey,
// app_notification) to the Security info page's sections
// (register.Enrolments), mapping their errors to the page's. It exists
// because flows/register cannot import the method packages, whose tests
// mount the page.
package enrolment

import (
	"context"
	"errors"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/appcode"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/appnotify"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/passkey"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/questions"
	"github.com/frontdoor-sspr/frontdoor/flows/register"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

// From returns the sections of the methods among ms (built methods, as
// the gates use them) whose names are in offered; a method not built or
// not offered has no section.
func From(ms []methods.Method, offered []string) register.Enrolments {
	var e register.Enrolments
	on := func(name string) bool {
		for _, n := range offered {
			if n == name {
				return true
			}
		}
		return false
	}
	for _, m := range ms {
		if !on(m.Name()) {
			continue
		}
		switch m := m.(type) {
		case *questions.Questions:
			e.Questions = Questions{m}
		case *appcode.AppCode:
			e.AppCode = AppCode{m}
		case *passkey.Passkey:
			e.Passkey = Passkey{m}
		case *appnotify.AppNotify:
			e.AppNotify = AppNotify{m}
		}
	}
	return e
}

// Questions adapts *questions.Questions.
type Questions struct{ *questions.Questions }

// Choices implements register.QuestionsEnrolment.
func (q Questions) Choices() []register.Choice {
	var out []register.Choice
	for _, c := range q.Questions.Choices() {
		out = append(out, register.Choice{ID: c.ID, MessageID: c.MessageID, Text: c.Text})
	}
	return out
}

// Registered implements register.QuestionsEnrolment.
func (q Questions) Registered(ctx context.Context, u idp.User) (int, error) {
	qs, err := q.Questions.Registered(ctx, u)
	return len(qs), err
}

// Enroll implements register.QuestionsEnrolment.
func (q Questions) Enroll(ctx context.Context, u idp.User, answers []register.Answer) (methods.Change, error) {
	as := make([]questions.Answer, len(answers))
	for i, a := range answers {
		as[i] = questions.Answer{Question: a.Question, Text: a.Text}
	}
	ch, err := q.Questions.Enroll(ctx, u, as)
	var ee *questions.EnrolError
	if errors.As(err, &ee) {
		return ch, &register.AnswerError{MessageID: ee.MessageID, Index: ee.Index}
	}
	return ch, err
}

// AppCode adapts *appcode.AppCode.
type AppCode struct{ *appcode.AppCode }

// Begin implements register.AppCodeEnrolment.
func (a AppCode) Begin(ctx context.Context, u idp.User) (string, string, error) {
	s, err := a.AppCode.Begin(ctx, u)
	return s.DataURL, s.Key, err
}

// Confirm implements register.AppCodeEnrolment.
func (a AppCode) Confirm(ctx context.Context, u idp.User, code string) (methods.Change, error) {
	ch, err := a.AppCode.Confirm(ctx, u, code)
	switch {
	case errors.Is(err, appcode.ErrTooMany):
		return ch, register.ErrTooManyCodes
	case errors.Is(err, appcode.ErrNoPending):
		return ch, register.ErrNoPending
	}
	return ch, err
}

// Passkey adapts *passkey.Passkey.
type Passkey struct{ *passkey.Passkey }

// FinishRegistration implements register.PasskeyEnrolment.
func (p Passkey) FinishRegistration(ctx context.Context, u idp.User, credential []byte) (methods.Change, error) {
	ch, err := p.Passkey.FinishRegistration(ctx, u, credential)
	if errors.Is(err, passkey.ErrRefused) || errors.Is(err, passkey.ErrNoCeremony) {
		return ch, register.ErrRefused
	}
	return ch, err
}

// AppNotify adapts *appnotify.AppNotify.
type AppNotify struct{ *appnotify.AppNotify }

// Enroll implements register.AppNotifyEnrolment.
func (m AppNotify) Enroll(ctx context.Context, u idp.User) (string, string, methods.Change, error) {
	s, ch, err := m.AppNotify.Enroll(ctx, u)
	if errors.Is(err, appnotify.ErrNotReady) {
		return "", "", ch, register.ErrNotReady
	}
	return s.Topic, s.SubscribeURL, ch, err
}

// Registered implements register.AppNotifyEnrolment.
func (m AppNotify) Registered(ctx context.Context, u idp.User) (bool, time.Time, error) {
	return m.AppNotify.Registered(ctx, u)
}

// Has tells whether u has a usable registration of the method name among
// e (for registration.Policy.Enrolled): a confirmed app, at least one
// passkey or one registered phone, the questions to ask (Count of them,
// still offered). known is false for a method e has no section for.
func Has(ctx context.Context, e register.Enrolments, u idp.User, name string) (has, known bool, err error) {
	switch {
	case name == questions.Name && e.Questions != nil:
		n, err := e.Questions.Registered(ctx, u)
		return n >= e.Questions.Count(), true, err
	case name == appcode.Name && e.AppCode != nil:
		on, _, err := e.AppCode.Registered(ctx, u)
		return on, true, err
	case name == passkey.Name && e.Passkey != nil:
		n, err := e.Passkey.Count(ctx, u)
		return n > 0, true, err
	case name == appnotify.Name && e.AppNotify != nil:
		on, _, err := e.AppNotify.Registered(ctx, u)
		return on, true, err
	}
	return false, false, nil
}
