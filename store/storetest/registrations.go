package storetest

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

var registrationTests = []suiteTest{
	{"RegistrationPutGet", testRegistrationPutGet},
	{"RegistrationConflict", testRegistrationConflict},
	{"RegistrationParallel", testRegistrationParallel},
	{"RegistrationDelete", testRegistrationDelete},
}

func testRegistrationPutGet(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	_, err := s.Registrations().Get(ctx, "alice")
	wantErr(t, "Get(unregistered)", err, store.ErrNotFound)
	wantErr(t, "Put(no user)", s.Registrations().Put(ctx, store.Registration{Data: []byte("{}")}), store.ErrInvalid)

	data := []byte(`{"email":"alice@example.org"}`)
	if err := s.Registrations().Put(ctx, store.Registration{User: "alice", Data: data}); err != nil {
		t.Fatalf("Put(new) = %v", err)
	}
	c.Advance(time.Hour)
	got, err := s.Registrations().Get(ctx, "alice")
	if err != nil {
		t.Fatalf("Get() = %v", err)
	}
	if got.User != "alice" || string(got.Data) != string(data) || got.Version != 1 || !got.UpdatedAt.Equal(Start) {
		t.Fatalf("Get() = %+v, want alice's data at version 1 updated %v", got, Start)
	}
	got.Data = []byte(`{"email":"alice@example.org","phone":"+15550100"}`)
	if err := s.Registrations().Put(ctx, got); err != nil {
		t.Fatalf("Put(current version) = %v", err)
	}
	again, err := s.Registrations().Get(ctx, "alice")
	if err != nil || again.Version != 2 || string(again.Data) != string(got.Data) || !again.UpdatedAt.Equal(c.Now()) {
		t.Fatalf("Get() after update = %+v, %v; want version 2 with the new data, updated now", again, err)
	}
}

func testRegistrationConflict(t *testing.T, s store.Store, _ *Clock) {
	ctx := context.Background()
	if err := s.Registrations().Put(ctx, store.Registration{User: "alice", Data: []byte("1")}); err != nil {
		t.Fatalf("Put(new) = %v", err)
	}
	tests := []struct {
		name string
		reg  store.Registration
	}{
		{"new over existing", store.Registration{User: "alice", Data: []byte("2")}},
		{"stale version", store.Registration{User: "alice", Data: []byte("2"), Version: 2}},
		{"version of nothing", store.Registration{User: "bob", Data: []byte("2"), Version: 1}},
	}
	for _, tt := range tests {
		wantErr(t, "Put("+tt.name+")", s.Registrations().Put(ctx, tt.reg), store.ErrConflict)
	}
	got, err := s.Registrations().Get(ctx, "alice")
	if err != nil || string(got.Data) != "1" || got.Version != 1 {
		t.Errorf("Get() after conflicts = %+v, %v; want the first data at version 1", got, err)
	}
	_, err = s.Registrations().Get(ctx, "bob")
	wantErr(t, "Get(bob)", err, store.ErrNotFound)
}

func testRegistrationParallel(t *testing.T, s store.Store, _ *Clock) {
	ctx := context.Background()
	if err := s.Registrations().Put(ctx, store.Registration{User: "alice", Data: []byte("0")}); err != nil {
		t.Fatalf("Put(new) = %v", err)
	}
	errs := parallel(20, func(i int) error {
		return s.Registrations().Put(ctx, store.Registration{User: "alice", Data: []byte(strconv.Itoa(i + 1)), Version: 1})
	})
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("puts %d and %d both won", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrConflict):
			t.Fatalf("put %d = %v, want nil or ErrConflict", i, err)
		}
	}
	got, err := s.Registrations().Get(ctx, "alice")
	if err != nil || winner < 0 || string(got.Data) != strconv.Itoa(winner+1) || got.Version != 2 {
		t.Errorf("Get() = %+v, %v; want the winner's (%d) data at version 2", got, err, winner)
	}
}

func testRegistrationDelete(t *testing.T, s store.Store, _ *Clock) {
	ctx := context.Background()
	if err := s.Registrations().Put(ctx, store.Registration{User: "alice", Data: []byte("{}")}); err != nil {
		t.Fatalf("Put(new) = %v", err)
	}
	if err := s.Registrations().Delete(ctx, "alice"); err != nil {
		t.Fatalf("Delete() = %v", err)
	}
	_, err := s.Registrations().Get(ctx, "alice")
	wantErr(t, "Get() after Delete", err, store.ErrNotFound)
	if err := s.Registrations().Delete(ctx, "alice"); err != nil {
		t.Errorf("Delete(missing) = %v, want nil", err)
	}
	if err := s.Registrations().Put(ctx, store.Registration{User: "alice", Data: []byte("{}")}); err != nil {
		t.Errorf("Put(new) after Delete = %v", err)
	}
}
