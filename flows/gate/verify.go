package gate

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// method returns the configured method called name.
func (g *Gate) method(name string) methods.Method {
	for _, m := range g.Methods {
		if m.Name() == name {
			return m
		}
	}
	return nil
}

// target is whom the current gate's challenge goes to: nobody when the
// account may not go on or cannot use the method.
func (g *Gate) target(r *http.Request, fl store.Flow, s *State, m methods.Method) methods.Target {
	t := methods.Target{FlowID: fl.ID, Purpose: "gate" + strconv.Itoa(len(s.Passed)+1),
		Lang: g.Pages.Templates.Lang(r).String(), Key: s.Key}
	if s.User != nil && s.Outcome == "" {
		if _, ok := m.Hint(r.Context(), *s.User); ok {
			t.User = s.User
		}
	}
	return t
}

// required is the number of gates s's account must pass: the policy's, and
// always two for a privileged account.
func (g *Gate) required(s *State) int {
	n := max(g.opt.Policy.MethodsRequired, 1)
	if s.User != nil && s.User.Privileged {
		n = max(n, 2)
	}
	return n
}

// hint is the masked destination of t, for the audit log.
func (g *Gate) hint(r *http.Request, t methods.Target, m methods.Method) string {
	if t.User == nil {
		return ""
	}
	h, _ := m.Hint(r.Context(), *t.User)
	return h
}

// chooseMethod starts the chosen method for the current gate.
func (g *Gate) chooseMethod(w http.ResponseWriter, r *http.Request) error {
	var s State
	fl, ok, err := g.LoadPost(w, r, &s)
	if !ok || err != nil {
		return err
	}
	if fl.Step != StepMethod {
		return g.StepError(w, r, flows.ErrWrongStep)
	}
	name := r.PostFormValue("method")
	m := g.method(name)
	usable := m != nil && !slices.Contains(s.Passed, name)
	if usable && g.opt.Policy.Disclosure == config.DisclosureDescriptive && s.User != nil {
		_, usable = m.Hint(r.Context(), *s.User)
	}
	if !usable {
		g.Render(w, r, fl, &s, http.StatusUnprocessableEntity, "reset.error.method")
		return nil
	}
	_, asks := m.(methods.Asker)
	fl, err = flows.Advance(r.Context(), g.Engine, fl, []string{StepMethod}, func(st *State) (string, error) {
		st.Method = name
		if asks {
			return StepAsk, nil
		}
		return StepVerify, nil
	})
	if err != nil {
		return g.StepError(w, r, err)
	}
	if asks {
		http.Redirect(w, r, g.StepURL(), http.StatusSeeOther)
		return nil
	}
	return g.send(w, r, fl, &s, m, "")
}

// resend voids the current code and sends a new one.
func (g *Gate) resend(w http.ResponseWriter, r *http.Request) error {
	var s State
	fl, ok, err := g.LoadPost(w, r, &s)
	if !ok || err != nil {
		return err
	}
	if fl.Step != StepVerify {
		return g.StepError(w, r, flows.ErrWrongStep)
	}
	m := g.method(s.Method)
	if m == nil {
		return g.methodGone(w, r, fl)
	}
	if _, asks := m.(methods.Asker); asks {
		// A new challenge of an Asker goes to what the user types again.
		_, err := flows.Advance(r.Context(), g.Engine, fl, []string{StepVerify}, func(*State) (string, error) { return StepAsk, nil })
		if err != nil {
			return g.StepError(w, r, err)
		}
		http.Redirect(w, r, g.StepURL(), http.StatusSeeOther)
		return nil
	}
	return g.send(w, r, fl, &s, m, "")
}

// back returns from the code page to the choice of method, for a user who
// would rather use another one. The gate is not passed: the next method
// starts its own challenge, under the same send and failure limits.
func (g *Gate) back(w http.ResponseWriter, r *http.Request) error {
	var s State
	fl, ok, err := g.LoadPost(w, r, &s)
	if !ok || err != nil {
		return err
	}
	_, err = flows.Advance(r.Context(), g.Engine, fl, []string{StepVerify}, func(st *State) (string, error) {
		st.Method = ""
		return StepMethod, nil
	})
	if err != nil {
		return g.StepError(w, r, err)
	}
	http.Redirect(w, r, g.StepURL(), http.StatusSeeOther)
	return nil
}

// methodGone sends a flow whose method is no longer configured (a rolling
// deploy changed the configuration) back to the choice of method.
func (g *Gate) methodGone(w http.ResponseWriter, r *http.Request, fl store.Flow) error {
	var s State
	_, err := flows.Advance(r.Context(), g.Engine, fl, []string{StepVerify, StepAsk}, func(st *State) (string, error) {
		st.Method = ""
		s = *st
		return StepMethod, nil
	})
	if err != nil {
		return g.StepError(w, r, err)
	}
	fl, err = g.Engine.Load(r, g.opt.Kind, &s)
	if err != nil {
		return err
	}
	g.RenderStep(w, r, fl, &s, StepMethod, http.StatusConflict, "reset.error.method_gone")
	return nil
}

// send starts method m for the current gate. It does the same work, in the
// same order, whoever the account: the method's Start costs the same for a
// target or none (a decoy for nobody), and one audit event is written in
// every case; Floor hides what still differs.
func (g *Gate) send(w http.ResponseWriter, r *http.Request, fl store.Flow, s *State, m methods.Method, confirm string) error {
	began := time.Now()
	t := g.target(r, fl, s, m)
	t.Confirm = confirm
	err := m.Start(r.Context(), t)
	reason, notSent := methods.IsNotSent(err)
	if notSent {
		// The same page as after a send: only the audit log tells.
		g.Audit.Record(r, store.Event{Type: audit.MethodSent, Flow: fl.ID, User: s.Key, Outcome: "not_sent",
			Detail: map[string]string{"method": m.Name(), "reason": reason, "to": g.hint(r, t, m)}})
		err = nil
		t.User = nil
	}
	switch {
	case errors.Is(err, methods.ErrTooMany):
		g.Audit.Record(r, store.Event{Type: audit.Blocked, Flow: fl.ID, User: s.Key, Outcome: "rate_limited", Detail: map[string]string{"method": m.Name()}})
		if g.opt.Policy.Disclosure == config.DisclosureDescriptive {
			s.Method = m.Name()
			g.RenderStep(w, r, fl, s, StepVerify, http.StatusTooManyRequests, "reset.error.too_many_codes")
			return nil
		}
	case err != nil:
		return err
	case notSent:
		// audited above
	default:
		d := map[string]string{"method": m.Name()}
		if t.User != nil {
			d["to"] = g.hint(r, t, m)
		}
		g.Audit.Record(r, store.Event{Type: audit.MethodSent, Flow: fl.ID, User: s.Key, Outcome: sentOutcome(t), Detail: d})
	}
	g.sendFloor.Wait(r.Context(), began)
	http.Redirect(w, r, g.StepURL(), http.StatusSeeOther)
	return nil
}

// sentOutcome is the outcome of a send in the audit: "ok", or "nobody" when
// the account was unknown, not eligible or without the method's destination.
func sentOutcome(t methods.Target) string {
	if t.User == nil {
		return "nobody"
	}
	return "ok"
}

// verify checks the code of the current gate.
func (g *Gate) verify(w http.ResponseWriter, r *http.Request) error {
	var s State
	fl, ok, err := g.LoadPost(w, r, &s)
	if !ok || err != nil {
		return err
	}
	if fl.Step != StepVerify {
		return g.StepError(w, r, flows.ErrWrongStep)
	}
	ctx := r.Context()
	m := g.method(s.Method)
	if m == nil {
		return g.methodGone(w, r, fl)
	}
	err = m.Verify(ctx, g.target(r, fl, &s, m), r.PostForm)
	if errors.Is(err, methods.ErrPending) {
		// A call not answered yet, or an approval not given yet: the same
		// page again, nothing counted.
		msg := "reset.verify.approval_waiting"
		if m.Kind() == methods.KindKeypress {
			msg = "reset.verify.call.pending"
		}
		g.RenderStep(w, r, fl, &s, StepVerify, http.StatusOK, msg)
		return nil
	}
	if err != nil {
		if !errors.Is(err, methods.ErrMismatch) && !errors.Is(err, methods.ErrExhausted) && !errors.Is(err, methods.ErrExpired) {
			return err
		}
		return g.failedGate(w, r, fl, &s, err)
	}
	// A new handle for the flow, in this browser only, before it moves on:
	// whoever started the flow and planted its handle here cannot carry on
	// past this gate.
	rotated, err := g.Engine.Rotate(ctx, w, fl.ID)
	if err != nil {
		return g.StepError(w, r, err)
	}
	_, err = flows.Advance(ctx, g.Engine, rotated, []string{StepVerify}, func(st *State) (string, error) {
		// Only the method whose answer was checked passes: the flow as
		// rotated may have moved on to another one meanwhile.
		if st.Method != m.Name() {
			return "", flows.ErrWrongStep
		}
		st.Passed = append(st.Passed, st.Method)
		st.Method = ""
		if len(st.Passed) < g.required(st) {
			return StepMethod, nil
		}
		return g.opt.After, nil
	})
	if err != nil {
		return g.StepError(w, r, err)
	}
	g.Audit.Record(r, store.Event{Type: audit.MethodPassed, Flow: fl.ID, User: s.Key, Outcome: "ok", Detail: map[string]string{"method": m.Name()}})
	http.Redirect(w, r, g.StepURL(), http.StatusSeeOther)
	return nil
}

// failedGate counts a wrong answer against the account; the fifth in an hour
// blocks the gated flows (never the account) for a day.
func (g *Gate) failedGate(w http.ResponseWriter, r *http.Request, fl store.Flow, s *State, verr error) error {
	ctx := r.Context()
	g.Audit.Record(r, store.Event{Type: audit.MethodFailed, Flow: fl.ID, User: s.Key, Outcome: "failed", Detail: map[string]string{"method": s.Method}})
	allowed, count, _, err := g.Limits.Hit(ctx, "reset-fail:"+s.Key, failWindow, failMax)
	if err != nil {
		return err
	}
	if !allowed {
		if err := g.Limits.Block(ctx, "reset-block:"+s.Key, g.Engine.Now().Add(blockFor)); err != nil {
			return err
		}
		if s.User != nil && g.Blocked != nil {
			g.Blocked(r, *s.User)
		}
		_, err := flows.Advance(ctx, g.Engine, fl, []string{StepVerify}, func(st *State) (string, error) {
			st.Outcome = OutcomeBlocked
			return StepStopped, nil
		})
		if err != nil {
			return g.StepError(w, r, err)
		}
		g.Audit.Record(r, store.Event{Type: audit.Blocked, Flow: fl.ID, User: s.Key, Outcome: "blocked", Detail: map[string]string{"limit": "failed_gates"}})
		http.Redirect(w, r, g.StepURL(), http.StatusSeeOther)
		return nil
	}
	msg := "reset.error.code"
	switch {
	case errors.Is(verr, methods.ErrExhausted):
		msg = "reset.error.code_exhausted"
	case errors.Is(verr, methods.ErrExpired):
		msg = "reset.error.code_gone"
	}
	if m := g.method(s.Method); m != nil {
		switch m.Kind() {
		case methods.KindKeypress:
			msg = "reset.verify.call.refused"
		case methods.KindQuestions:
			msg = "reset.error.answers"
			if !errors.Is(verr, methods.ErrMismatch) {
				msg = "reset.error.answers_gone"
			}
		case methods.KindPasskey:
			msg = "reset.error.passkey"
		case methods.KindApproval:
			msg = "reset.error.approval_denied"
			if errors.Is(verr, methods.ErrExpired) {
				msg = "reset.error.approval_expired"
			}
		}
	}
	// The failure that blocks is the one after failMax: until then the page
	// says how many are left, the same for every account and user ID.
	s.TriesLeft = failMax + 1 - count
	g.RenderStep(w, r, fl, s, StepVerify, http.StatusUnprocessableEntity, msg)
	return nil
}
