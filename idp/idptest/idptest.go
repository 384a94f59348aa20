package idptest

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Fixture connects the suite to one backend and its real server, loaded
// with the users of testenv/fixtures/users.tsv.
type Fixture struct {
	// Backend is the backend under test, configured as the service account.
	// The suite runs the cases of the capabilities it implements
	// (idp.PasswordSetter, idp.PasswordChanger, idp.Unlocker, idp.GroupMember)
	// and logs the names of those it does not.
	Backend idp.Directory
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
	// NoDN is true when the directory has no distinguished names (Keycloak):
	// User.DN stays empty.
	NoDN bool
	// ResetHistory is true when an administrative reset obeys password
	// history (OpenLDAP ppolicy; AD only with the policy hints control).
	ResetHistory bool
}

// Run runs the conformance suite: each case whose capabilities the backend
// implements. Destructive cases use throwaway users; the fixture users are
// only read.
func Run(t *testing.T, f Fixture) {
	c := capabilitiesOf(f.Backend)
	if missing := c.missing(); len(missing) > 0 {
		t.Logf("%T does not implement %s: their cases do not run", f.Backend, strings.Join(missing, ", "))
	}
	cases := []struct {
		name  string
		needs bool
		run   func(*testing.T, Fixture, capabilities)
	}{
		{"Lookup", true, testLookup},
		{"Injection", true, testInjection},
		{"State", true, testState},
		{"Groups", c.groups != nil, testGroups},
		{"Concurrent", true, testConcurrent},
		{"SetPassword", c.setter != nil, testSetPassword},
		{"MustChange", c.setter != nil, testMustChange},
		{"ChangePassword", c.changer != nil, testChangePassword},
		{"PasswordSet", c.setter != nil || c.changer != nil, testPasswordSet},
		{"Policy", c.setter != nil || c.changer != nil, testPolicy},
		{"History", c.setter != nil || c.changer != nil, testHistory},
		{"ResetHistory", c.setter != nil, testResetHistory},
		{"Unicode", c.setter != nil || c.changer != nil, testUnicode},
		{"LockUnlock", c.unlocker != nil, testLockUnlock},
		{"ResetUnlocks", c.setter != nil, testResetUnlocks},
		{"ResetKeepsLock", c.setter != nil, testResetKeepsLock},
		{"UnlockDuringReset", c.setter != nil && c.unlocker != nil, testUnlockDuringReset},
		{"PermanentLock", c.unlocker != nil && c.setter != nil && f.PermanentLock, testPermanentLock},
		{"Unavailable", true, testUnavailable},
	}
	for _, tc := range cases {
		if !tc.needs {
			t.Logf("%s: not run, the backend lacks the capability (or, for PermanentLock, the directory has no administrative lock)", tc.name)
			continue
		}
		t.Run(tc.name, func(t *testing.T) { tc.run(t, f, c) })
	}
}

// capabilities holds the backend under test as each capability it has; a
// missing one is nil.
type capabilities struct {
	setter   idp.PasswordSetter
	changer  idp.PasswordChanger
	unlocker idp.Unlocker
	groups   idp.GroupMember
}

func capabilitiesOf(d idp.Directory) capabilities {
	var c capabilities
	c.setter, _ = d.(idp.PasswordSetter)
	c.changer, _ = d.(idp.PasswordChanger)
	c.unlocker, _ = d.(idp.Unlocker)
	c.groups, _ = d.(idp.GroupMember)
	return c
}

// missing names the capabilities the backend does not implement.
func (c capabilities) missing() []string {
	var m []string
	for _, x := range []struct {
		name string
		has  bool
	}{
		{"PasswordSetter", c.setter != nil},
		{"PasswordChanger", c.changer != nil},
		{"Unlocker", c.unlocker != nil},
		{"GroupMember", c.groups != nil},
	} {
		if !x.has {
			m = append(m, x.name)
		}
	}
	return m
}

// write sets the password of u to pw: by a change from old where the
// backend can, by an administrative set otherwise.
func (c capabilities) write(t *testing.T, u idp.User, old, pw string, preferChange bool) error {
	t.Helper()
	if c.changer != nil && (preferChange || c.setter == nil) {
		return c.changer.ChangePassword(t.Context(), u, old, pw)
	}
	return c.setter.SetPassword(t.Context(), u, pw, idp.SetOptions{})
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
