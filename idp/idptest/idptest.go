package idptest

import (
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Backend is what the suite tests: a directory with every capability.
type Backend interface {
	idp.Directory
	idp.PasswordSetter
	idp.PasswordChanger
	idp.Unlocker
	idp.GroupMember
}

// Fixture connects the suite to one backend and its real server, loaded
// with the users of testenv/fixtures/users.tsv.
type Fixture struct {
	// Backend is the backend under test, configured as the service account.
	Backend Backend
	// Unreachable is the same backend pointed at a port where nothing listens.
	Unreachable idp.Directory
	// WrongCA is the same backend trusting a CA that did not sign the
	// server's certificate.
	WrongCA idp.Directory
	// Bind signs in as u with password on the server itself (not through
	// the backend) and returns the server's refusal, if any.
	Bind func(u idp.User, password string) error
	// NewUser creates a throwaway user with the given login, mail and
	// password, as the directory's administrator, and deletes it when the
	// test ends.
	NewUser func(t *testing.T, login, mail, password string)
	// HelpdeskGroup is the DN (or name) of the fixture group "helpdesk".
	HelpdeskGroup string
	// PermanentLock is true when the directory has an administrative lock
	// distinct from disabling (OpenLDAP); the fixture "permlocked" has it.
	PermanentLock bool
	// Complexity is true when the directory requires mixed character classes.
	Complexity bool
	// ResetHistory is true when an administrative reset obeys password
	// history (OpenLDAP ppolicy; AD only with the policy hints control).
	ResetHistory bool
}

// Run runs the conformance suite. Destructive cases use throwaway users;
// the fixture users are only read.
func Run(t *testing.T, f Fixture) {
	t.Run("Lookup", func(t *testing.T) { testLookup(t, f) })
	t.Run("Injection", func(t *testing.T) { testInjection(t, f) })
	t.Run("State", func(t *testing.T) { testState(t, f) })
	t.Run("Groups", func(t *testing.T) { testGroups(t, f) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, f) })
	t.Run("SetPassword", func(t *testing.T) { testSetPassword(t, f) })
	t.Run("MustChange", func(t *testing.T) { testMustChange(t, f) })
	t.Run("ChangePassword", func(t *testing.T) { testChangePassword(t, f) })
	t.Run("Policy", func(t *testing.T) { testPolicy(t, f) })
	t.Run("History", func(t *testing.T) { testHistory(t, f) })
	t.Run("ResetHistory", func(t *testing.T) { testResetHistory(t, f) })
	t.Run("Unicode", func(t *testing.T) { testUnicode(t, f) })
	t.Run("LockUnlock", func(t *testing.T) { testLockUnlock(t, f) })
	t.Run("ResetUnlocks", func(t *testing.T) { testResetUnlocks(t, f) })
	t.Run("ResetKeepsLock", func(t *testing.T) { testResetKeepsLock(t, f) })
	t.Run("PermanentLock", func(t *testing.T) { testPermanentLock(t, f) })
	t.Run("Unavailable", func(t *testing.T) { testUnavailable(t, f) })
}

// throwaway creates a user with a unique login and returns it as looked up.
func throwaway(t *testing.T, f Fixture, password string) idp.User {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	login := "fdt" + hex.EncodeToString(b)
	f.NewUser(t, login, login+"@example.test", password)
	u, err := f.Backend.Lookup(t.Context(), login)
	if err != nil {
		t.Fatalf("Lookup(%q) of a new user: %v", login, err)
	}
	return u
}

// mustBind fails the test unless password signs u in.
func mustBind(t *testing.T, f Fixture, u idp.User, password, when string) {
	t.Helper()
	if err := f.Bind(u, password); err != nil {
		t.Fatalf("%s: sign-in as %s with the expected password failed: %v", when, u.Login, err)
	}
}

// mustNotBind fails the test if password signs u in.
func mustNotBind(t *testing.T, f Fixture, u idp.User, password, when string) {
	t.Helper()
	if err := f.Bind(u, password); err == nil {
		t.Fatalf("%s: sign-in as %s with a password that should not work succeeded", when, u.Login)
	}
}
