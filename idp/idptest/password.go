package idptest

import (
	"errors"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

const (
	startPassword = "Start-Pass-2026!"
	nextPassword  = "Next-Pass-2026!"
	thirdPassword = "Third-Pass-2026!"
)

func testSetPassword(t *testing.T, f Fixture) {
	u := throwaway(t, f, startPassword)
	if err := f.Backend.SetPassword(t.Context(), u, nextPassword, idp.SetOptions{}); err != nil {
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
	if err := f.Backend.SetPassword(t.Context(), idp.User{}, nextPassword, idp.SetOptions{}); !errors.Is(err, idp.ErrNotFound) {
		t.Errorf("SetPassword(no user) = %v; want ErrNotFound", err)
	}
}

func testMustChange(t *testing.T, f Fixture) {
	u := throwaway(t, f, startPassword)
	if err := f.Backend.SetPassword(t.Context(), u, nextPassword, idp.SetOptions{MustChange: true}); err != nil {
		t.Fatalf("SetPassword(MustChange): %v", err)
	}
	after, err := f.Backend.Lookup(t.Context(), u.Login)
	if err != nil {
		t.Fatal(err)
	}
	if !after.MustChange {
		t.Fatal("after SetPassword with MustChange the user need not change the password")
	}
	// The user can still change it, with the password just set.
	if err := f.Backend.ChangePassword(t.Context(), after, nextPassword, thirdPassword); err != nil {
		t.Fatalf("ChangePassword after a must-change reset: %v", err)
	}
	mustBind(t, f, u, thirdPassword, "after the required change")
	if after, err = f.Backend.Lookup(t.Context(), u.Login); err != nil || after.MustChange {
		t.Errorf("after the change: MustChange %v, %v; want false", after.MustChange, err)
	}
}

func testChangePassword(t *testing.T, f Fixture) {
	u := throwaway(t, f, startPassword)
	for _, wrong := range []string{"Wrong-Pass-2026!", ""} {
		err := f.Backend.ChangePassword(t.Context(), u, wrong, nextPassword)
		if !errors.Is(err, idp.ErrBadPassword) {
			t.Fatalf("ChangePassword(old %q) = %v; want ErrBadPassword", wrong, err)
		}
	}
	mustBind(t, f, u, startPassword, "after refused changes")
	if err := f.Backend.ChangePassword(t.Context(), u, startPassword, nextPassword); err != nil {
		t.Fatalf("ChangePassword with the right old password: %v", err)
	}
	mustBind(t, f, u, nextPassword, "after change")
	mustNotBind(t, f, u, startPassword, "after change, old password")
}

// testPolicy checks that a rejection carries its reason and writes nothing.
func testPolicy(t *testing.T, f Fixture) {
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
			check("SetPassword", f.Backend.SetPassword(t.Context(), u, tt.password, idp.SetOptions{}))
			check("ChangePassword", f.Backend.ChangePassword(t.Context(), u, startPassword, tt.password))
			mustBind(t, f, u, startPassword, "after rejected passwords")
		})
	}
}

// testHistory changes the password and then tries to go back to the first.
func testHistory(t *testing.T, f Fixture) {
	u := throwaway(t, f, startPassword)
	if err := f.Backend.ChangePassword(t.Context(), u, startPassword, nextPassword); err != nil {
		t.Fatal(err)
	}
	err := f.Backend.ChangePassword(t.Context(), u, nextPassword, startPassword)
	var pe *idp.PolicyError
	if !errors.As(err, &pe) || !pe.Has(idp.ReasonHistory) {
		t.Fatalf("changing back to a recent password = %v; want a *PolicyError with history", err)
	}
	mustBind(t, f, u, nextPassword, "after the history rejection")

	// A reset to a recent password: refused where resets obey history,
	// accepted (the documented gap) where they do not.
	err = f.Backend.SetPassword(t.Context(), u, startPassword, idp.SetOptions{})
	switch {
	case f.ResetHistory && (!errors.As(err, &pe) || !pe.Has(idp.ReasonHistory)):
		t.Errorf("reset to a recent password = %v; want a *PolicyError with history", err)
	case !f.ResetHistory && err != nil:
		t.Errorf("reset to a recent password where resets skip history = %v; want nil", err)
	}
}

// testUnicode sets and changes passwords holding quotes, backslashes,
// template and shell syntax, non-Latin letters and characters outside the
// Basic Multilingual Plane; the server must accept exactly them at sign-in.
func testUnicode(t *testing.T, f Fixture) {
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
		var err error
		if i%2 == 0 {
			err = f.Backend.SetPassword(t.Context(), u, pw, idp.SetOptions{})
		} else {
			err = f.Backend.ChangePassword(t.Context(), u, current, pw)
		}
		if err != nil {
			t.Fatalf("setting %q: %v", pw, err)
		}
		mustBind(t, f, u, pw, "after setting "+pw)
		mustNotBind(t, f, u, pw[:len(pw)-1], "a truncated "+pw)
		current = pw
	}
}
