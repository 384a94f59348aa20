package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store/postgres"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestLockAccountAcrossReplicas (E-5): an account held by one replica
// makes another wait, until it is let go or the waiter's context ends; a
// wait given up leaves nothing held, and other accounts never wait.
func TestLockAccountAcrossReplicas(t *testing.T) {
	dsn := testenv.PostgresDB(t)
	ctx := context.Background()
	a, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	unlock, err := a.LockAccount(ctx, "id-alice")
	if err != nil {
		t.Fatal(err)
	}
	other, err := b.LockAccount(ctx, "id-bob")
	if err != nil {
		t.Fatalf("another account waited: %v", err)
	}
	other()
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := b.LockAccount(short, "id-alice"); err == nil || !errors.Is(err, context.DeadlineExceeded) && short.Err() == nil {
		t.Fatalf("the other replica did not wait for the account: %v", err)
	}
	got := make(chan time.Time)
	go func() {
		u, err := b.LockAccount(ctx, "id-alice")
		if err != nil {
			t.Error(err)
			close(got)
			return
		}
		got <- time.Now()
		u()
	}()
	time.Sleep(300 * time.Millisecond)
	released := time.Now()
	unlock()
	select {
	case at, ok := <-got:
		if ok && at.Before(released) {
			t.Error("the other replica held the account before it was let go")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the other replica never got the account after it was let go")
	}
	// Nothing stayed held: the first replica takes the account at once.
	quick, cancel2 := context.WithTimeout(ctx, 2*time.Second)
	defer cancel2()
	again, err := a.LockAccount(quick, "id-alice")
	if err != nil {
		t.Fatalf("the account stayed held: %v", err)
	}
	again()
}
