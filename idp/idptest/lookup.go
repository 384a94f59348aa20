package idptest

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

func testLookup(t *testing.T, f Fixture, c capabilities) {
	tests := []struct {
		login string
		want  string // expected Login, or "" for the error
		err   error
	}{
		{"alice", "alice", nil},
		{"ALICE", "alice", nil},
		{"  alice  ", "alice", nil},
		{"alice@example.test", "alice", nil},
		{"Alice@Example.TEST", "alice", nil},
		{"bob", "bob", nil},
		{"nobody", "", idp.ErrNotFound},
		{"al ice", "", idp.ErrNotFound},
		{"", "", idp.ErrNotFound},
		{"   ", "", idp.ErrNotFound},
		{"\u0430lice", "", idp.ErrNotFound}, // Cyrillic а
		{strings.Repeat("a", 10_000), "", idp.ErrNotFound},
		{"shared@example.test", "", idp.ErrAmbiguous},
		{"SHARED@example.test", "", idp.ErrAmbiguous},
	}
	for _, tt := range tests {
		t.Run(name(tt.login), func(t *testing.T) {
			u, err := f.Backend.Lookup(t.Context(), tt.login)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Lookup(%q) = %q, %v; want %v", tt.login, u.Login, err, tt.err)
				}
				return
			}
			if err != nil || !strings.EqualFold(u.Login, tt.want) {
				t.Fatalf("Lookup(%q) = %q, %v; want %q", tt.login, u.Login, err, tt.want)
			}
		})
	}

	t.Run("contact data", func(t *testing.T) {
		cases := []struct {
			login, email, mobile, phone, given, surname string
		}{
			{"alice", "alice@example.test", "+447700900001", "+441632960001", "Alice", "Archer"},
			{"nocontact", "", "", "", "Nora", "Nobody"},
			{"phoneonly", "", "+447700900006", "", "Phil", "Phone"},
		}
		for _, c := range cases {
			u, err := f.Backend.Lookup(t.Context(), c.login)
			if err != nil {
				t.Fatalf("Lookup(%q): %v", c.login, err)
			}
			got := [5]string{u.Email(), u.Mobile, u.Phone, u.GivenName, u.Surname}
			want := [5]string{c.email, c.mobile, c.phone, c.given, c.surname}
			if got != want {
				t.Errorf("%s: email, mobile, phone, given, surname = %q; want %q", c.login, got, want)
			}
			if u.ID == "" || (u.DN == "") != f.NoDN || u.DisplayName == "" {
				t.Errorf("%s: ID %q, DN %q, DisplayName %q: want all set (DN empty where the directory has none)", c.login, u.ID, u.DN, u.DisplayName)
			}
		}
	})
}

// testInjection sends filter syntax as logins: each must match no one, or
// exactly the entry whose value it literally is.
func testInjection(t *testing.T, f Fixture, c capabilities) {
	for _, login := range []string{
		"*", "a*", "*)(uid=*", "alice)(uid=*", "*)(|(uid=*", "admin)(&)", ")(objectClass=*",
		"alice\x00", "alice\x00)(mail=attacker@evil.test", `\00`, `alice\00`, `\2a`, `al\2aice`,
		"alice)", "alice\\", "(alice)", "*@example.test", "alice\r\nmail: x",
		"CN=alice,CN=Users,DC=example,DC=test", "uid=alice,ou=people,dc=example,dc=test",
	} {
		t.Run(name(login), func(t *testing.T) {
			u, err := f.Backend.Lookup(t.Context(), login)
			if !errors.Is(err, idp.ErrNotFound) {
				t.Fatalf("Lookup(%q) = %q, %v; want ErrNotFound", login, u.Login, err)
			}
		})
	}
}

func testState(t *testing.T, f Fixture, c capabilities) {
	type state struct{ Locked, Perm, Disabled, MustChange, Privileged bool }
	tests := []struct {
		login string
		want  state
	}{
		{"alice", state{}},
		{"locked", state{Locked: true}},
		{"disabled", state{Disabled: true, Locked: f.PermanentLock, Perm: f.PermanentLock}},
		{"permlocked", state{Disabled: true, Locked: f.PermanentLock, Perm: f.PermanentLock}},
		{"admin1", state{Privileged: true}},
		{"mustchange", state{MustChange: true}},
	}
	for _, tt := range tests {
		t.Run(tt.login, func(t *testing.T) {
			u, err := f.Backend.Lookup(t.Context(), tt.login)
			if err != nil {
				t.Fatal(err)
			}
			got := state{u.Locked, u.PermanentlyLocked, u.Disabled, u.MustChange, u.Privileged}
			if got != tt.want {
				t.Errorf("state = %+v; want %+v", got, tt.want)
			}
		})
	}
}

func testGroups(t *testing.T, f Fixture, c capabilities) {
	for _, tt := range []struct {
		login string
		want  bool
	}{{"bob", true}, {"carol", true}, {"alice", false}, {"admin1", false}} {
		u, err := f.Backend.Lookup(t.Context(), tt.login)
		if err != nil {
			t.Fatal(err)
		}
		in, err := c.groups.IsMember(t.Context(), u, f.HelpdeskGroup)
		if err != nil || in != tt.want {
			t.Errorf("IsMember(%s, helpdesk) = %v, %v; want %v", tt.login, in, err, tt.want)
		}
	}
	u, err := f.Backend.Lookup(t.Context(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	if in, err := c.groups.IsMember(t.Context(), u, "cn=nosuchgroup,"+parentOf(f.HelpdeskGroup)); err != nil || in {
		t.Errorf("IsMember(bob, a missing group) = %v, %v; want false, nil", in, err)
	}
}

// testConcurrent looks users up from many goroutines, sharing the pool.
func testConcurrent(t *testing.T, f Fixture, c capabilities) {
	logins := []string{"alice", "bob", "carol", "phoneonly", "nocontact"}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			login := logins[i%len(logins)]
			u, err := f.Backend.Lookup(t.Context(), login)
			if err == nil && !strings.EqualFold(u.Login, login) {
				err = errors.New("got " + u.Login + " for " + login)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func parentOf(dn string) string {
	_, rest, _ := strings.Cut(dn, ",")
	return rest
}

// name makes a readable subtest name for an odd login.
func name(s string) string {
	if len(s) > 24 {
		s = s[:24] + "..."
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	if s == "" || slices.Contains([]string{" ", "   "}, s) {
		return "blank"
	}
	return s
}
