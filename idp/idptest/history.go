package idptest

import (
	"errors"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Passwords of the reset-history walk, distinct from those of the other tests.
const (
	historyFirst  = "Hist-First-2026!"
	historySecond = "Hist-Second-2026!"
	historyFresh  = "Hist-Fresh-2026!"
)

// testResetHistory walks what issue 16 describes with resets only, as the
// reset flow writes: P1, P2, then P1 again and P2 (the current password)
// again. Where resets obey history (Fixture.ResetHistory), both reuses are
// refused with ReasonHistory before anything is written, so P2 still signs
// in, and a fresh password is then accepted. Where they do not (Samba), the
// reuses are accepted: the documented gap, checked so that the fixture flag
// and docs/directories.md cannot drift from what the server does.
func testResetHistory(t *testing.T, f Fixture, caps capabilities) {
	u := throwaway(t, f, startPassword)
	for _, pw := range []string{historyFirst, historySecond} {
		if err := caps.setter.SetPassword(t.Context(), u, pw, idp.SetOptions{}); err != nil {
			t.Fatalf("SetPassword(%s): %v", pw, err)
		}
	}
	for _, c := range []struct{ name, password string }{
		{"a password in the history", historyFirst},
		{"the current password", historySecond},
	} {
		err := caps.setter.SetPassword(t.Context(), u, c.password, idp.SetOptions{})
		var pe *idp.PolicyError
		refused := errors.As(err, &pe) && pe.Has(idp.ReasonHistory)
		switch {
		case f.ResetHistory && !refused:
			t.Fatalf("reset to %s = %v; want a *PolicyError with history", c.name, err)
		case f.ResetHistory:
			mustBind(t, f, u, historySecond, "after refusing "+c.name)
		case err != nil:
			t.Fatalf("reset to %s where resets skip history = %v; want nil (the documented gap)", c.name, err)
		default:
			mustBind(t, f, u, c.password, "after the accepted reset to "+c.name)
		}
	}
	if err := caps.setter.SetPassword(t.Context(), u, historyFresh, idp.SetOptions{}); err != nil {
		t.Fatalf("reset to a fresh password: %v", err)
	}
	mustBind(t, f, u, historyFresh, "after the reset to a fresh password")
}
