package reset

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/policy"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// password checks the new password and writes it to the directory. Exactly
// one request writes: it claims the flow (password -> writing) first, and on
// a failure that may be retried gives the step back with nothing consumed.
func (f *Flow) password(w http.ResponseWriter, r *http.Request) error {
	var s gate.State
	fl, ok, err := f.gate.LoadPost(w, r, &s)
	if !ok || err != nil {
		return err
	}
	if fl.Step != stepPassword || s.User == nil {
		return f.gate.StepError(w, r, flows.ErrWrongStep)
	}
	pw, confirm := r.PostFormValue("password"), r.PostFormValue("confirm")
	if pw != confirm {
		f.renderPassword(w, r, fl, &s, http.StatusUnprocessableEntity, "reset.error.confirm", nil)
		return nil
	}
	u := *s.User
	ctx := r.Context()
	verdict, err := f.Policy.Check(ctx, pw, policy.Context{Username: u.Login, GivenName: u.GivenName,
		Surname: u.Surname, DisplayName: u.DisplayName, Email: u.Email()})
	if err != nil {
		f.gate.LogError(r, "breached-password source failed; the other rules applied", err)
	}
	if !verdict.OK {
		f.renderPassword(w, r, fl, &s, http.StatusUnprocessableEntity, "", verdict.Reasons)
		return nil
	}
	fresh, err := f.Directory.Lookup(ctx, u.Login)
	switch {
	case errors.Is(err, idp.ErrUnavailable):
		return f.writeFailed(w, r, fl, &s, err)
	case err != nil || changed(u, fresh):
		// The account is not the one the gates were passed for any more:
		// renamed, disabled, locked by an administrator, or its contact data
		// changed (the code may have gone to an address that is no longer its).
		f.Audit.Record(r, store.Event{Type: audit.PasswordFailed, Flow: fl.ID, User: s.Key, Outcome: "account_changed"})
		return web.WithStatus(http.StatusConflict, errors.New("reset: the account changed during the flow"))
	}
	writing, err := flows.Advance(ctx, f.Engine, fl, []string{stepPassword}, func(*gate.State) (string, error) { return stepWriting, nil })
	if err != nil {
		return f.gate.StepError(w, r, err)
	}
	werr := f.WriteAccount(ctx, u, func() error { return f.write(ctx, u, pw) })
	if errors.Is(werr, idp.ErrPartial) {
		// The password is set; only clearing the lockout failed. The reset
		// stands (retrying would write the password twice): the user can
		// unlock, or ask the administrator.
		f.gate.LogError(r, "password reset, but the lockout could not be cleared", werr)
		werr = nil
	}
	// A write that never ran (the account was not had) is not read back:
	// another writer's new password would pass for this flow's.
	if errors.Is(werr, idp.ErrUnavailable) && !errors.Is(werr, gate.ErrAccountBusy) && flows.PasswordLanded(ctx, f.Directory, fresh) {
		// The line broke before the directory's answer came, but the
		// account read back has a new password: the write was carried out.
		// Saying otherwise would have the user set another one. (When it
		// cannot be read back, the step is given back; a retry then finds
		// the mark changed since identify, if the write was carried out
		// after all, and is refused rather than write a second password.)
		f.gate.LogError(r, "the answer to the password write was lost; the account read back shows it was carried out", werr)
		f.settle(r, fresh)
		werr = nil
	}
	if werr != nil {
		if _, err := flows.Advance(context.WithoutCancel(ctx), f.Engine, writing, []string{stepWriting}, func(*gate.State) (string, error) { return stepPassword, nil }); err != nil {
			return err
		}
		f.Audit.Record(r, store.Event{Type: audit.PasswordFailed, Flow: fl.ID, User: s.Key, Outcome: failureKind(werr)})
		fl, err = f.Engine.Load(r, store.KindReset, &s)
		if err != nil {
			return err
		}
		return f.writeFailed(w, r, fl, &s, werr)
	}
	if _, err := flows.Advance(context.WithoutCancel(ctx), f.Engine, writing, []string{stepWriting}, func(*gate.State) (string, error) { return stepDone, nil }); err != nil {
		return err
	}
	f.Audit.Record(r, store.Event{Type: audit.PasswordReset, Flow: fl.ID, User: s.Key, Outcome: "ok",
		Detail: map[string]string{"methods": strings.Join(s.Passed, ","), "privileged": boolString(u.Privileged)}})
	f.gate.ClearFailures(r, &s)
	if f.Confirm != nil {
		f.Confirm(r, u)
	}
	http.Redirect(w, r, f.gate.StepURL(), http.StatusSeeOther)
	return nil
}

// settle does what the backend would have done after a write whose answer
// was lost: clear the lockout when configured, and end the user's sessions
// where the backend does. What fails is logged; the password stands.
func (f *Flow) settle(r *http.Request, u idp.User) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Second)
	defer cancel()
	if unlocker, ok := f.Directory.(idp.Unlocker); ok && f.opt.Reset.UnlockOnReset && u.Locked {
		if err := unlocker.Unlock(ctx, u); err != nil {
			f.gate.LogError(r, "password reset (answer lost), but the lockout could not be cleared", err)
		}
	}
	if ender, ok := f.Directory.(idp.SessionEnder); ok {
		if err := ender.EndSessions(ctx, u); err != nil {
			f.gate.LogError(r, "password reset (answer lost), but the user's sessions could not be ended", err)
		}
	}
}

// write sets the password in the directory, clearing a lockout when
// configured.
func (f *Flow) write(ctx context.Context, u idp.User, pw string) error {
	setter, ok := f.Directory.(idp.PasswordSetter)
	if !ok {
		return errors.New("reset: the directory cannot set passwords")
	}
	return setter.SetPassword(context.WithoutCancel(ctx), u, pw, idp.SetOptions{Unlock: f.opt.Reset.UnlockOnReset})
}

// writeFailed shows why the directory refused, in the user's words.
func (f *Flow) writeFailed(w http.ResponseWriter, r *http.Request, fl store.Flow, s *gate.State, err error) error {
	var pe *idp.PolicyError
	switch {
	case errors.As(err, &pe):
		f.renderPassword(w, r, fl, s, http.StatusUnprocessableEntity, flows.DirectoryPolicyMessage(pe), nil)
	case errors.Is(err, idp.ErrUnavailable):
		what := "directory unavailable at the write"
		if errors.Is(err, gate.ErrAccountBusy) {
			what = "the account could not be had for the write; nothing was written"
		}
		f.gate.LogError(r, what, err)
		f.renderPassword(w, r, fl, s, http.StatusServiceUnavailable, "reset.error.unavailable", nil)
	default:
		f.gate.LogError(r, "the directory refused the new password", err)
		f.renderPassword(w, r, fl, s, http.StatusBadGateway, "reset.error.write", nil)
	}
	return nil
}

// changed tells whether the account read now differs, in what the flow relied
// on, from the one read at identify. A password changed in between (by the
// user signing in and changing it, by an administrator, by another reset)
// ends the flow too: whoever started it may be the reason it was changed.
func changed(then, now idp.User) bool {
	return then.ID != now.ID || now.Disabled || now.Expired || now.PermanentlyLocked ||
		!slices.Equal(then.Emails, now.Emails) || then.Mobile != now.Mobile || then.Phone != now.Phone ||
		then.PasswordSet != now.PasswordSet
}

func failureKind(err error) string {
	var pe *idp.PolicyError
	switch {
	case errors.As(err, &pe):
		return "policy"
	case errors.Is(err, idp.ErrUnavailable):
		return "unavailable"
	}
	return "error"
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
