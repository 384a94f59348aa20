package idptest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// lockOut signs in with wrong passwords until the server locks u.
func lockOut(t *testing.T, f Fixture, u idp.User) idp.User {
	t.Helper()
	for range 3 {
		mustNotBind(t, f, u, "Wrong-Pass-2026!", "locking out")
	}
	locked, err := f.Backend.Lookup(t.Context(), u.Login)
	if err != nil {
		t.Fatal(err)
	}
	if !locked.Locked {
		t.Fatal("after three failed sign-ins the user is not reported locked")
	}
	mustNotBind(t, f, u, startPassword, "while locked out, right password")
	return locked
}

// testLockUnlock locks a user by failed sign-ins, unlocks, and signs in with
// the password the user had all along.
func testLockUnlock(t *testing.T, f Fixture, c capabilities) {
	u := throwaway(t, f, startPassword)
	if u.Locked {
		t.Fatal("a new user is reported locked")
	}
	locked := lockOut(t, f, u)
	current := startPassword
	if c.changer != nil {
		err := c.changer.ChangePassword(t.Context(), locked, startPassword, nextPassword)
		if f.PermanentLock && !errors.Is(err, idp.ErrLocked) {
			// OpenLDAP refuses the bind that a change starts with.
			t.Errorf("ChangePassword while locked = %v; want ErrLocked", err)
		}
		if err == nil {
			current = nextPassword
		}
	}
	if err := c.unlocker.Unlock(t.Context(), locked); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	after, err := f.Backend.Lookup(t.Context(), u.Login)
	if err != nil {
		t.Fatal(err)
	}
	if after.Locked {
		t.Fatal("after Unlock the user is still reported locked")
	}
	mustBind(t, f, u, current, "after unlock")
	if err := c.unlocker.Unlock(t.Context(), after); err != nil {
		t.Errorf("Unlock of a user who is not locked: %v; want nil", err)
	}
}

// testResetUnlocks resets a locked-out user's password with Unlock.
func testResetUnlocks(t *testing.T, f Fixture, c capabilities) {
	u := lockOut(t, f, throwaway(t, f, startPassword))
	if err := c.setter.SetPassword(t.Context(), u, nextPassword, idp.SetOptions{Unlock: true}); err != nil {
		t.Fatalf("SetPassword(Unlock): %v", err)
	}
	mustBind(t, f, u, nextPassword, "after reset with unlock")
	if after, err := f.Backend.Lookup(t.Context(), u.Login); err != nil || after.Locked {
		t.Errorf("after reset with unlock: Locked %v, %v; want false", after.Locked, err)
	}
}

// testResetKeepsLock resets a locked-out user's password without Unlock:
// the lockout stays, so that only a verified unlock clears it.
func testResetKeepsLock(t *testing.T, f Fixture, c capabilities) {
	u := lockOut(t, f, throwaway(t, f, startPassword))
	if err := c.setter.SetPassword(t.Context(), u, nextPassword, idp.SetOptions{}); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	after, err := f.Backend.Lookup(t.Context(), u.Login)
	if err != nil {
		t.Fatal(err)
	}
	if !after.Locked {
		t.Error("a reset without Unlock cleared the lockout")
	}
}

// testPermanentLock checks that an administrative lock is never cleared.
// Run only where the directory has one (OpenLDAP); elsewhere the fixture
// "permlocked" is disabled, see State.
func testPermanentLock(t *testing.T, f Fixture, c capabilities) {
	u, err := f.Backend.Lookup(t.Context(), "permlocked")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.unlocker.Unlock(t.Context(), u); !errors.Is(err, idp.ErrLocked) {
		t.Errorf("Unlock(permlocked) = %v; want ErrLocked", err)
	}
	// Even a caller that lost the flag must not clear the lock.
	u.PermanentlyLocked, u.Locked = false, true
	if err := c.unlocker.Unlock(t.Context(), u); !errors.Is(err, idp.ErrLocked) {
		t.Errorf("Unlock(permlocked, flag cleared by caller) = %v; want ErrLocked", err)
	}
	for _, o := range []idp.SetOptions{{Unlock: true}, {}} {
		if err := c.setter.SetPassword(t.Context(), u, nextPassword, o); !errors.Is(err, idp.ErrLocked) {
			t.Errorf("SetPassword(permlocked, %+v) = %v; want ErrLocked and nothing written", o, err)
		}
	}
	if after, err := f.Backend.Lookup(t.Context(), "permlocked"); err != nil || !after.PermanentlyLocked {
		t.Errorf("permlocked after the attempts: PermanentlyLocked %v, %v; want true", after.PermanentlyLocked, err)
	}
}

func testUnavailable(t *testing.T, f Fixture, c capabilities) {
	_, err := f.Unreachable.Lookup(t.Context(), "alice")
	if !errors.Is(err, idp.ErrUnavailable) {
		t.Errorf("Lookup on a closed port = %v; want ErrUnavailable", err)
	}
	_, err = f.WrongCA.Lookup(t.Context(), "alice")
	var cve *tls.CertificateVerificationError
	if !errors.Is(err, idp.ErrUnavailable) || !errors.As(err, &cve) {
		t.Errorf("Lookup with an untrusted certificate = %v; want ErrUnavailable from certificate verification", err)
	}
	if s, ok := f.WrongCA.(idp.PasswordSetter); ok {
		u := idp.User{ID: "00000000-0000-4000-8000-000000000000", DN: "cn=x", Login: "x"}
		if err := s.SetPassword(t.Context(), u, nextPassword, idp.SetOptions{}); !errors.Is(err, idp.ErrUnavailable) {
			t.Errorf("SetPassword with an untrusted certificate = %v; want ErrUnavailable", err)
		}
	}
}

// testUnlockDuringReset runs an unlock and a reset that keeps the lockout
// at once, on a locked-out user, a few times (E-5). Run one after the
// other, in either order, they leave the account unlocked; run together, an
// unlock that succeeded must not be undone by the reset writing back the
// lockout it had read before.
func testUnlockDuringReset(t *testing.T, f Fixture, c capabilities) {
	u := throwaway(t, f, startPassword)
	for round := range 3 {
		locked := lockOut(t, f, u)
		var setErr, unlockErr error
		start := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			<-start
			setErr = c.setter.SetPassword(t.Context(), locked, fmt.Sprintf("Round-%d-Quartz-Meadow!", round), idp.SetOptions{})
		})
		wg.Go(func() {
			<-start
			unlockErr = c.unlocker.Unlock(t.Context(), locked)
		})
		close(start)
		wg.Wait()
		if setErr != nil {
			t.Fatalf("round %d: SetPassword: %v", round, setErr)
		}
		if unlockErr != nil {
			// Refused because the lock changed under it: the user asks again.
			t.Logf("round %d: Unlock: %v", round, unlockErr)
			if err := c.unlocker.Unlock(t.Context(), locked); err != nil {
				t.Fatalf("round %d: Unlock again: %v", round, err)
			}
		}
		after, err := f.Backend.Lookup(t.Context(), u.Login)
		if err != nil {
			t.Fatal(err)
		}
		if after.Locked {
			t.Fatalf("round %d: locked again after an unlock that succeeded beside a reset", round)
		}
	}
}
