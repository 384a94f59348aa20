package unlock

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// Outcomes kept at the done step, for the descriptive page.
const (
	doneUnlocked  = "unlocked"
	doneNotLocked = "not_locked"
)

// confirm clears the lockout of the verified account. Exactly one request
// does it: it claims the flow (confirm -> unlocking) first, and on a failure
// that may be retried gives the step back.
func (f *Flow) confirm(w http.ResponseWriter, r *http.Request) error {
	var s gate.State
	fl, ok, err := f.gate.LoadPost(w, r, &s)
	if !ok || err != nil {
		return err
	}
	if fl.Step != stepConfirm || s.User == nil {
		return f.gate.StepError(w, r, flows.ErrWrongStep)
	}
	// Asked before the flow is claimed, so that nothing is consumed: the
	// flow stays at confirm and the daily cap is not counted.
	unlocker, ok := f.Directory.(idp.Unlocker)
	if !ok {
		return errors.New("unlock: the directory cannot unlock accounts")
	}
	ctx := r.Context()
	fl, err = flows.Advance(ctx, f.Engine, fl, []string{stepConfirm}, func(*gate.State) (string, error) { return stepUnlocking, nil })
	if err != nil {
		return f.gate.StepError(w, r, err)
	}
	ctx = context.WithoutCancel(ctx)
	u, err := f.current(ctx, *s.User)
	if err != nil {
		return f.retry(w, r, fl, &s, err)
	}
	if u.PermanentlyLocked {
		return f.stop(w, r, fl, &s, outcomeAdminLock)
	}
	// A retry after a failure is the same unlock: the flow counts once.
	if !s.Counted {
		allowed, _, _, err := f.Limits.Hit(ctx, "unlock-cap:"+s.Key, capWindow, f.opt.Unlock.DailyCap)
		if err != nil {
			return f.retry(w, r, fl, &s, err)
		}
		if !allowed {
			if f.Capped != nil {
				f.Capped(r, u)
			}
			return f.stop(w, r, fl, &s, outcomeCapped)
		}
		s.Counted = true
	}
	err = f.WriteAccount(ctx, u, func() error { return unlocker.Unlock(ctx, u) })
	switch {
	case errors.Is(err, idp.ErrLocked):
		return f.stop(w, r, fl, &s, outcomeAdminLock)
	case err != nil:
		return f.retry(w, r, fl, &s, err)
	}
	done := doneNotLocked
	if u.Locked {
		done = doneUnlocked
	}
	if _, err := flows.Advance(ctx, f.Engine, fl, []string{stepUnlocking}, func(st *gate.State) (string, error) {
		st.Outcome = done
		return stepDone, nil
	}); err != nil {
		return err
	}
	f.Audit.Record(r, store.Event{Type: audit.Unlocked, Flow: fl.ID, User: s.Key, Outcome: "ok", Detail: map[string]string{
		"methods": strings.Join(s.Passed, ","), "was_locked": strconv.FormatBool(u.Locked), "privileged": strconv.FormatBool(u.Privileged)}})
	f.gate.ClearFailures(r, &s)
	if u.Locked && f.Unlocked != nil {
		f.Unlocked(r, u)
	}
	http.Redirect(w, r, f.gate.StepURL(), http.StatusSeeOther)
	return nil
}

// current reads the account again: its lock state may have changed since
// identify (a lock that came or went, an administrator's lock).
func (f *Flow) current(ctx context.Context, was idp.User) (idp.User, error) {
	u, err := f.Directory.Lookup(ctx, was.Login)
	if err != nil {
		return idp.User{}, err
	}
	if u.ID != was.ID {
		return idp.User{}, errors.New("unlock: the user ID names another account since identify")
	}
	return u, nil
}

// stop ends the flow fl, claimed for unlocking, with a verdict the user sees.
func (f *Flow) stop(w http.ResponseWriter, r *http.Request, fl store.Flow, s *gate.State, outcome string) error {
	if _, err := flows.Advance(context.WithoutCancel(r.Context()), f.Engine, fl, []string{stepUnlocking}, func(st *gate.State) (string, error) {
		st.Outcome = outcome
		return gate.StepStopped, nil
	}); err != nil {
		return err
	}
	f.Audit.Record(r, store.Event{Type: audit.UnlockFailed, Flow: fl.ID, User: s.Key, Outcome: outcome})
	http.Redirect(w, r, f.gate.StepURL(), http.StatusSeeOther)
	return nil
}

// retry gives the confirm step of fl, claimed for unlocking, back after a
// failure the user may retry, and says so.
func (f *Flow) retry(w http.ResponseWriter, r *http.Request, fl store.Flow, s *gate.State, cause error) error {
	counted := s.Counted
	fl, err := flows.Advance(context.WithoutCancel(r.Context()), f.Engine, fl, []string{stepUnlocking}, func(st *gate.State) (string, error) {
		st.Counted = counted
		*s = *st // the state as saved, to show
		return stepConfirm, nil
	})
	if err != nil {
		return err
	}
	outcome, status, msg := "error", http.StatusBadGateway, "unlock.error.write"
	if errors.Is(cause, idp.ErrUnavailable) {
		outcome, status, msg = "unavailable", http.StatusServiceUnavailable, "unlock.error.unavailable"
	}
	f.Audit.Record(r, store.Event{Type: audit.UnlockFailed, Flow: fl.ID, User: s.Key, Outcome: outcome})
	f.gate.LogError(r, "unlock failed; nothing changed", cause)
	f.gate.RenderStep(w, r, fl, s, stepConfirm, status, msg)
	return nil
}
