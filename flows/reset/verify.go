package reset

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// method returns the configured method called name.
func (f *Flow) method(name string) methods.Method {
	for _, m := range f.Methods {
		if m.Name() == name {
			return m
		}
	}
	return nil
}

// target is whom the current gate's challenge goes to: nobody when the
// account may not go on or cannot use the method.
func (f *Flow) target(r *http.Request, fl store.Flow, s *state, m methods.Method) methods.Target {
	t := methods.Target{FlowID: fl.ID, Purpose: "gate" + strconv.Itoa(len(s.Passed)+1),
		Lang: f.Pages.Templates.Negotiate(r.Header.Get("Accept-Language")).String()}
	if s.User != nil && s.Outcome == "" {
		if _, ok := m.Hint(*s.User); ok {
			t.User = s.User
		}
	}
	return t
}

// chooseMethod starts the chosen method for the current gate.
func (f *Flow) chooseMethod(w http.ResponseWriter, r *http.Request) error {
	var s state
	fl, ok, err := f.loadPost(w, r, &s)
	if !ok || err != nil {
		return err
	}
	name := r.PostFormValue("method")
	m := f.method(name)
	usable := m != nil && !slices.Contains(s.Passed, name)
	if usable && f.opt.Reset.Disclosure == "descriptive" && s.User != nil {
		_, usable = m.Hint(*s.User)
	}
	if !usable {
		f.render(w, r, fl, &s, http.StatusUnprocessableEntity, "reset.error.method")
		return nil
	}
	err = flows.Advance(r.Context(), f.Engine, fl.ID, []string{stepMethod}, func(st *state) (string, error) {
		st.Method = name
		return stepVerify, nil
	})
	if err != nil {
		return f.stepError(w, r, err)
	}
	return f.send(w, r, fl, &s, m)
}

// resend voids the current code and sends a new one.
func (f *Flow) resend(w http.ResponseWriter, r *http.Request) error {
	var s state
	fl, ok, err := f.loadPost(w, r, &s)
	if !ok || err != nil {
		return err
	}
	if fl.Step != stepVerify {
		return f.stepError(w, r, flows.ErrWrongStep)
	}
	return f.send(w, r, fl, &s, f.method(s.Method))
}

func (f *Flow) send(w http.ResponseWriter, r *http.Request, fl store.Flow, s *state, m methods.Method) error {
	t := f.target(r, fl, s, m)
	err := m.Start(r.Context(), t)
	switch {
	case errors.Is(err, methods.ErrTooMany):
		f.Audit.Record(r, store.Event{Type: audit.Blocked, Flow: fl.ID, User: s.Key, Outcome: "rate_limited", Detail: map[string]string{"method": m.Name()}})
		if f.opt.Reset.Disclosure == "descriptive" {
			s.Method = m.Name()
			f.renderStep(w, r, fl, s, stepVerify, http.StatusTooManyRequests, "reset.error.too_many_codes")
			return nil
		}
	case err != nil:
		return err
	case t.User != nil:
		f.Audit.Record(r, store.Event{Type: audit.MethodSent, Flow: fl.ID, User: s.Key, Outcome: "ok", Detail: map[string]string{"method": m.Name()}})
	}
	http.Redirect(w, r, f.stepURL(), http.StatusSeeOther)
	return nil
}

// verify checks the code of the current gate.
func (f *Flow) verify(w http.ResponseWriter, r *http.Request) error {
	var s state
	fl, ok, err := f.loadPost(w, r, &s)
	if !ok || err != nil {
		return err
	}
	if fl.Step != stepVerify {
		return f.stepError(w, r, flows.ErrWrongStep)
	}
	ctx := r.Context()
	m := f.method(s.Method)
	err = m.Verify(ctx, f.target(r, fl, &s, m), r.PostFormValue("code"))
	if err != nil {
		if !errors.Is(err, methods.ErrMismatch) && !errors.Is(err, methods.ErrExhausted) && !errors.Is(err, methods.ErrExpired) {
			return err
		}
		return f.failedGate(w, r, fl, &s, err)
	}
	next := stepPassword
	err = flows.Advance(ctx, f.Engine, fl.ID, []string{stepVerify}, func(st *state) (string, error) {
		st.Passed = append(st.Passed, st.Method)
		if len(st.Passed) < f.opt.Reset.MethodsRequired {
			next = stepMethod
		}
		st.Method = ""
		return next, nil
	})
	if err != nil {
		return f.stepError(w, r, err)
	}
	f.Audit.Record(r, store.Event{Type: audit.MethodPassed, Flow: fl.ID, User: s.Key, Outcome: "ok", Detail: map[string]string{"method": m.Name()}})
	http.Redirect(w, r, f.stepURL(), http.StatusSeeOther)
	return nil
}

// failedGate counts a wrong answer against the account; the fifth in an hour
// blocks the reset flow (never the account) for a day.
func (f *Flow) failedGate(w http.ResponseWriter, r *http.Request, fl store.Flow, s *state, verr error) error {
	ctx := r.Context()
	f.Audit.Record(r, store.Event{Type: audit.MethodFailed, Flow: fl.ID, User: s.Key, Outcome: "failed", Detail: map[string]string{"method": s.Method}})
	allowed, _, _, err := f.Limits.Hit(ctx, "reset-fail:"+s.Key, failWindow, failMax)
	if err != nil {
		return err
	}
	if !allowed {
		if err := f.Limits.Block(ctx, "reset-block:"+s.Key, f.Engine.Now().Add(blockFor)); err != nil {
			return err
		}
		err := flows.Advance(ctx, f.Engine, fl.ID, []string{stepVerify}, func(st *state) (string, error) {
			st.Outcome = outcomeBlocked
			return stepStopped, nil
		})
		if err != nil {
			return f.stepError(w, r, err)
		}
		f.Audit.Record(r, store.Event{Type: audit.Blocked, Flow: fl.ID, User: s.Key, Outcome: "blocked", Detail: map[string]string{"limit": "failed_gates"}})
		http.Redirect(w, r, f.stepURL(), http.StatusSeeOther)
		return nil
	}
	msg := "reset.error.code"
	if !errors.Is(verr, methods.ErrMismatch) {
		msg = "reset.error.code_gone"
	}
	f.renderStep(w, r, fl, s, stepVerify, http.StatusUnprocessableEntity, msg)
	return nil
}
