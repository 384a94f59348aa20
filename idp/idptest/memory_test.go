package idptest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

func TestMemory(t *testing.T) {
	ctx := context.Background()
	m := NewMemory()
	m.Add(idp.User{ID: "1", Login: "alice", Emails: []string{"alice@example.test"}, Groups: []string{"staff"}, Locked: true}, "old")
	m.Add(idp.User{ID: "2", Login: "bob", Emails: []string{"shared@example.test"}, PermanentlyLocked: true}, "old")
	m.Add(idp.User{ID: "3", Login: "carol", Emails: []string{"shared@example.test"}}, "old")

	if u, err := m.Lookup(ctx, "ALICE@example.test"); err != nil || u.ID != "1" {
		t.Fatalf("Lookup by mail: %+v %v", u, err)
	}
	if _, err := m.Lookup(ctx, "nobody"); !errors.Is(err, idp.ErrNotFound) {
		t.Fatalf("Lookup of nobody: %v", err)
	}
	if _, err := m.Lookup(ctx, "shared@example.test"); !errors.Is(err, idp.ErrAmbiguous) {
		t.Fatalf("Lookup of a shared address: %v", err)
	}
	alice, _ := m.Lookup(ctx, "alice")
	alice.Emails[0] = "changed@example.test"
	if u, _, _ := m.User("1"); u.Email() != "alice@example.test" {
		t.Fatal("a caller's change reached the stored user")
	}

	if in, err := m.IsMember(ctx, alice, "staff"); !in || err != nil {
		t.Fatalf("IsMember(staff) = %v, %v", in, err)
	}
	m.AddToGroup("staff", "3")
	if us, err := m.GroupMembers(ctx, "staff", 1); err != nil || len(us) != 1 || us[0].Login != "alice" {
		t.Fatalf("GroupMembers limited to 1: %+v %v", us, err)
	}
	m.PutIn("ou=partners", "3")
	if m.InContainer(alice, "ou=partners") {
		t.Fatal("alice is in ou=partners")
	}

	if err := m.ChangePassword(ctx, alice, "old", "new"); !errors.Is(err, idp.ErrLocked) {
		t.Fatalf("ChangePassword while locked out: %v", err)
	}
	if err := m.SetPassword(ctx, alice, "set", idp.SetOptions{Unlock: true, MustChange: true}); err != nil {
		t.Fatal(err)
	}
	if u, pw, _ := m.User("1"); pw != "set" || u.Locked || !u.MustChange {
		t.Fatalf("after SetPassword: %+v %q", u, pw)
	}
	if err := m.ChangePassword(ctx, alice, "wrong", "new"); !errors.Is(err, idp.ErrBadPassword) {
		t.Fatalf("ChangePassword with a wrong password: %v", err)
	}
	if err := m.ChangePassword(ctx, alice, "set", "new"); err != nil {
		t.Fatal(err)
	}
	bob := idp.User{ID: "2"}
	if err := m.Unlock(ctx, bob); !errors.Is(err, idp.ErrLocked) {
		t.Fatalf("Unlock of an administrator's lock: %v", err)
	}
	if err := m.SetPassword(ctx, bob, "x", idp.SetOptions{}); !errors.Is(err, idp.ErrLocked) {
		t.Fatalf("SetPassword under an administrator's lock: %v", err)
	}

	m.FailWrites(&idp.PolicyError{Reasons: []idp.Reason{idp.ReasonHistory}})
	var pe *idp.PolicyError
	if err := m.SetPassword(ctx, alice, "again", idp.SetOptions{}); !errors.As(err, &pe) || !pe.Has(idp.ReasonHistory) {
		t.Fatalf("injected policy error: %v", err)
	}
	if _, pw, _ := m.User("1"); pw != "new" {
		t.Fatalf("a failed write wrote %q", pw)
	}
	m.FailWrites(nil)
	m.FailLookups(idp.ErrUnavailable)
	if _, err := m.Lookup(ctx, "alice"); !errors.Is(err, idp.ErrUnavailable) {
		t.Fatalf("injected lookup failure: %v", err)
	}
	if c := m.Calls(); c.Lookups != 5 || c.SetPassword != 3 || c.ChangePassword != 3 || c.Unlock != 1 || c.Writes() != 7 {
		t.Fatalf("calls %+v", c)
	}
}

func TestMemoryWithout(t *testing.T) {
	m := NewMemory(idp.User{ID: "1", Login: "alice"})
	if _, ok := m.Without("unlock").(idp.Unlocker); ok {
		t.Fatal(`Without("unlock") can unlock`)
	}
	d := m.Without("unlock")
	for name, ok := range map[string]bool{
		"PasswordSetter": is[idp.PasswordSetter](d), "PasswordChanger": is[idp.PasswordChanger](d),
		"GroupMember": is[idp.GroupMember](d), "GroupLister": is[idp.GroupLister](d), "Container": is[idp.Container](d),
	} {
		if !ok {
			t.Errorf(`Without("unlock") lost %s`, name)
		}
	}
	g := m.Without("groups")
	if is[idp.GroupMember](g) || !is[idp.Unlocker](g) || !is[idp.PasswordSetter](g) {
		t.Fatal(`Without("groups") has the wrong capabilities`)
	}
}

func is[T any](d idp.Directory) bool { _, ok := d.(T); return ok }

func TestMemoryConcurrent(t *testing.T) {
	m := NewMemory(idp.User{ID: "1", Login: "alice"})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			u, _ := m.Lookup(context.Background(), "alice")
			_ = m.SetPassword(context.Background(), u, "x", idp.SetOptions{})
			m.Update("1", func(u *idp.User) { u.Locked = !u.Locked })
		})
	}
	wg.Wait()
	if c := m.Calls(); c.Lookups != 8 || c.SetPassword != 8 {
		t.Fatalf("calls %+v", c)
	}
}
