package call

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	notifycall "github.com/frontdoor-sspr/frontdoor/notify/call"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// Start implements methods.Method. It records the call as pending and
// places it in the background; the outcome replaces the pending record.
// For a target without a usable number it does the same store work and,
// after the time a call would ring, records "no answer": the pages and
// their timing are the same for every user ID.
func (m *Method) Start(ctx context.Context, t methods.Target) error {
	_, window, timeout, per := m.settings()
	// reason, when set, says why nothing is placed for a real account; the
	// pages and the store work stay those of a call.
	number, reason := "", ""
	if t.User != nil {
		// An account without a usable number matches no number typed, as
		// for texts: the audit log must not record a call placed.
		reason = "mismatch"
		if n := m.number(ctx, *t.User); n != "" && (m.Match == nil || m.Match(t.Confirm, n)) {
			number, reason = n, ""
		}
	}
	keys := []string{"call:account:flow:" + t.FlowID, "call:number:flow:" + t.FlowID}
	if number != "" {
		keys = []string{"call:account:" + t.User.ID, "call:number:" + m.numberKey(number)}
	}
	for _, key := range keys {
		ok, _, _, err := m.Limits.Hit(ctx, key, window, per)
		if err != nil {
			return err
		}
		if !ok && number != "" {
			return methods.ErrTooMany
		}
	}
	switch idle, _ := m.Budget.(Idler); {
	case number != "" && m.Budget != nil:
		ok, err := m.Budget.AllowCall(ctx, t.User.ID, number)
		if err != nil {
			return err
		}
		if !ok {
			number, reason = "", "budget"
		}
	case idle != nil:
		// The budget's store work without spending, so that a wrong number
		// or an unknown user ID takes as long as a call placed.
		if err := idle.Idle(ctx, t.FlowID); err != nil {
			return err
		}
	}
	if err := m.record(ctx, t, statePending, pendingLooks); err != nil {
		return err
	}

	// A new call for this flow and gate ends the one before, on this
	// replica, before it can record its outcome.
	key := t.FlowID + "\x00" + t.Purpose
	// Ringing, the prompt and the wait for the key, and a gateway's late report.
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*timeout+time.Minute)
	rc := &running{cancel: cancel}
	m.mu.Lock()
	if prev := m.running[key]; prev != nil {
		prev.cancel()
	}
	m.running[key] = rc
	m.mu.Unlock()

	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer func() {
			m.mu.Lock()
			if m.running[key] == rc {
				delete(m.running, key)
			}
			m.mu.Unlock()
			cancel()
		}()
		var outcome notifycall.Outcome
		var err error
		if number == "" {
			select {
			case <-time.After(timeout):
				outcome = notifycall.NoAnswer
			case <-callCtx.Done():
				return
			}
		} else {
			outcome, err = m.Caller.Call(callCtx, number, t.Lang)
		}
		if errors.Is(callCtx.Err(), context.Canceled) {
			return // replaced by a newer call
		}
		m.finish(context.WithoutCancel(ctx), t, number, outcome, err)
	}()
	if reason != "" {
		return &methods.NotSent{Reason: reason}
	}
	return nil
}

// numberKey stands for number in the per-number limit's key: a keyed
// digest, so that the store never holds the number in full.
func (m *Method) numberKey(number string) string {
	h := hmac.New(sha256.New, m.Secret)
	h.Write([]byte("call number\x00" + number))
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// finish records a call's outcome, and audits it for a real account.
func (m *Method) finish(ctx context.Context, t methods.Target, number string, outcome notifycall.Outcome, callErr error) {
	state, label := refusedState(), string(outcome)
	if callErr != nil {
		label = "error"
		if m.Log != nil {
			m.Log.Error("verification call failed", "method", m.name, "number", Mask(number), "err", notifycall.Redact(callErr.Error()))
		}
	} else if outcome == notifycall.Confirmed {
		state = stateConfirmed
	}
	if err := m.record(ctx, t, state, 1); err != nil && m.Log != nil {
		m.Log.Error("verification call outcome not stored", "method", m.name, "err", err)
	}
	if number == "" {
		return
	}
	if m.Log != nil {
		m.Log.Info("verification call ended", "method", m.name, "number", Mask(number), "outcome", label)
	}
	if m.Audit != nil {
		ok := "failed"
		if state == stateConfirmed {
			ok = "ok"
		}
		flow := t.FlowID
		if len(flow) > 8 {
			flow = flow[:8] // enough to correlate, not the flow's handle
		}
		// The same user key as the gate's events, so that `frontdoor audit
		// --user-key` finds the calls too.
		user := t.Key
		if user == "" {
			user = t.User.Login
		}
		e := store.Event{Type: audit.CallOutcome, Flow: flow, User: user, Outcome: ok,
			Detail: map[string]string{"method": m.name, "call": label, "number": Mask(number)}}
		if err := m.Audit.Append(ctx, e); err != nil && m.Log != nil {
			m.Log.Error("audit event not stored", "type", e.Type, "err", err)
		}
	}
}

// Wait waits for the calls in progress to end, for tests and shutdown.
func (m *Method) Wait() { m.wg.Wait() }

// Close ends the calls in progress on this replica without recording
// their outcome, waits for them, and closes the gateway (the SIP
// listener). The pages then see the calls as unanswered once their
// records expire.
func (m *Method) Close() error {
	m.mu.Lock()
	for _, rc := range m.running {
		rc.cancel()
	}
	m.mu.Unlock()
	m.wg.Wait()
	if c, ok := m.Caller.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
