package idptest

import (
	"errors"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

const (
	startPassword = "Start-Pass-2026!"
	nextPassword  = "Next-Pass-2026!"
	thirdPassword = "Third-Pass-2026!"
)

func testSetPassword(t *testing.T, f Fixture, c capabilities) {
	u := throwaway(t, f, startPassword)
	if err := c.setter.SetPassword(t.Context(), u, nextPassword, idp.SetOptions{}); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	mustBind(t, f, u, nextPassword, "after reset")
	mustNotBind(t, f, u, startPassword, "after reset, old password")
	after, err := f.Backend.Lookup(t.Context(), u.Login)
	if err != nil {
		t.Fatal(err)
	}
	if after.MustChange || after.Locked {
		t.Errorf("after a plain reset: MustChange %v, Locked %v; want both false", after.MustChange, after.Locked)
	}
	if err := c.setter.SetPassword(t.Context(), idp.User{}, nextPassword, idp.SetOptions{}); !errors.Is(err, idp.ErrNotFound) {
		t.Errorf("SetPassword(no user) = %v; want ErrNotFound", err)
	}
}

func testMustChange(t *testing.T, f Fixture, c capabilities) {
	u := throwaway(t, f, startPassword)
	if err := c.setter.SetPassword(t.Context(), u, nextPassword, idp.SetOptions{MustChange: true}); err != nil {
		t.Fatalf("SetPassword(MustChange): %v", err)
	}
	after, err := f.Backend.Lookup(t.Context(), u.Login)
	if err != nil {
		t.Fatal(err)
	}
	if !after.MustChange {
		t.Fatal("after SetPassword with MustChange the user need not change the password")
	}
	if c.changer == nil {
		// Without a change operation, a plain reset is what ends the demand.
		if err := c.setter.SetPassword(t.Context(), after, thirdPassword, idp.SetOptions{}); err != nil {
			t.Fatalf("SetPassword after a must-change reset: %v", err)
		}
	} else if err := c.changer.ChangePassword(t.Context(), after, nextPassword, thirdPassword); err != nil {
		// The user can still change it, with the password just set.
		t.Fatalf("ChangePassword after a must-change reset: %v", err)
	}
	mustBind(t, f, u, thirdPassword, "after the required change")
	if after, err = f.Backend.Lookup(t.Context(), u.Login); err != nil || after.MustChange {
		t.Errorf("after the change: MustChange %v, %v; want false", after.MustChange, err)
	}
}

func testChangePassword(t *testing.T, f Fixture, c capabilities) {
	u := throwaway(t, f, startPassword)
	for _, wrong := range []string{"Wrong-Pass-2026!", ""} {
		err := c.changer.ChangePassword(t.Context(), u, wrong, nextPassword)
		if !errors.Is(err, idp.ErrBadPassword) {
			t.Fatalf("ChangePassword(old %q) = %v; want ErrBadPassword", wrong, err)
		}
	}
	mustBind(t, f, u, startPassword, "after refused changes")
	if err := c.changer.ChangePassword(t.Context(), u, startPassword, nextPassword); err != nil {
		t.Fatalf("ChangePassword with the right old password: %v", err)
	}
	mustBind(t, f, u, nextPassword, "after change")
	mustNotBind(t, f, u, startPassword, "after change, old password")
}

// testPolicy checks that a rejection carries its reason and writes nothing,
// for each of set and change that the backend has.
func testPolicy(t *testing.T, f Fixture, c capabilities) {
	u := throwaway(t, f, startPassword)
	tests := []struct {
		name, password string
		want           idp.Reason
		skip           bool
	}{
		{"seven characters", "Ab1-xyz", idp.ReasonTooShort, false},
		{"one character class", "onlylowercaseletters", idp.ReasonComplexity, !f.Complexity},
	}
	for _, tt := range tests {
		if tt.skip {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			check := func(op string, err error) {
				t.Helper()
				var pe *idp.PolicyError
				if !errors.As(err, &pe) || !pe.Has(tt.want) {
					t.Errorf("%s(%q) = %v; want a *PolicyError with %s", op, tt.password, err, tt.want)
				}
			}
			if c.setter != nil {
				check("SetPassword", c.setter.SetPassword(t.Context(), u, tt.password, idp.SetOptions{}))
			}
			if c.changer != nil {
				check("ChangePassword", c.changer.ChangePassword(t.Context(), u, startPassword, tt.password))
			}
			mustBind(t, f, u, startPassword, "after rejected passwords")
		})
	}
}

// testHistory changes the password and then tries to go back to the first:
// by a change where the backend has one, and by a reset.
func testHistory(t *testing.T, f Fixture, c capabilities) {
	u := throwaway(t, f, startPassword)
	if err := c.write(t, u, startPassword, nextPassword, true); err != nil {
		t.Fatal(err)
	}
	var pe *idp.PolicyError
	if c.changer != nil {
		err := c.changer.ChangePassword(t.Context(), u, nextPassword, startPassword)
		if !errors.As(err, &pe) || !pe.Has(idp.ReasonHistory) {
			t.Fatalf("changing back to a recent password = %v; want a *PolicyError with history", err)
		}
		mustBind(t, f, u, nextPassword, "after the history rejection")
	}
	if c.setter == nil {
		return
	}
	// A reset to a recent password: refused where resets obey history,
	// accepted (the documented gap) where they do not.
	err := c.setter.SetPassword(t.Context(), u, startPassword, idp.SetOptions{})
	switch {
	case f.ResetHistory && (!errors.As(err, &pe) || !pe.Has(idp.ReasonHistory)):
		t.Errorf("reset to a recent password = %v; want a *PolicyError with history", err)
	case !f.ResetHistory && err != nil:
		t.Errorf("reset to a recent password where resets skip history = %v; want nil", err)
	case f.ResetHistory:
		mustBind(t, f, u, nextPassword, "after the history rejection")
	}
}

// testUnicode sets and changes passwords holding quotes, backslashes,
// template and shell syntax, non-Latin letters and characters outside the
// Basic Multilingual Plane, alternating set and change where the backend
// has both; the server must accept exactly them at sign-in.
func testUnicode(t *testing.T, f Fixture, c capabilities) {
	passwords := []string{
		`Quote"d-'single'-Aa1`,
		`Back\slash-$HOME-%s-{{.}}-` + "`id`" + `-Aa1`,
		"Pässwörd-Ünïcødé-Aa1",
		"日本語のパスワード-Aa1x",
		"Emoji-🔑🚪-Aa1x",
		" Spaces around Aa1 ",
	}
	u := throwaway(t, f, startPassword)
	current := startPassword
	for i, pw := range passwords {
		if err := c.write(t, u, current, pw, i%2 == 1); err != nil {
			t.Fatalf("setting %q: %v", pw, err)
		}
		mustBind(t, f, u, pw, "after setting "+pw)
		mustNotBind(t, f, u, pw[:len(pw)-1], "a truncated "+pw)
		current = pw
	}
}

// testPasswordSet: every way the password changes gives User.PasswordSet a
// new value, and reading the account again does not. A reset flow compares
// the two to end when the password changed under it.
func testPasswordSet(t *testing.T, f Fixture, c capabilities) {
	u := throwaway(t, f, startPassword)
	again, err := f.Backend.Lookup(t.Context(), u.Login)
	if err != nil {
		t.Fatal(err)
	}
	if again.PasswordSet != u.PasswordSet {
		t.Fatalf("PasswordSet %q, then %q with no change in between", u.PasswordSet, again.PasswordSet)
	}
	before, old := u, startPassword
	for i, pw := range []string{nextPassword, thirdPassword} {
		// Directories record the time of a change to the second (OpenLDAP's
		// pwdChangedTime): the next change goes in the next second.
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(1100 * time.Millisecond)))
		if err := c.write(t, before, old, pw, i == 0); err != nil {
			t.Fatalf("password change %d: %v", i+1, err)
		}
		after, err := f.Backend.Lookup(t.Context(), u.Login)
		if err != nil {
			t.Fatal(err)
		}
		if after.PasswordSet == "" || after.PasswordSet == before.PasswordSet {
			t.Fatalf("PasswordSet %q before password change %d and %q after: want a new, non-empty value", before.PasswordSet, i+1, after.PasswordSet)
		}
		before, old = after, pw
	}
}
