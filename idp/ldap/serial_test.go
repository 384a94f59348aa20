package ldap

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestAccountWritesOneAtATime: writes to one account (any case of its DN)
// run one at a time, writes to others do not wait, a waiter whose request
// ends gives up, and nothing stays behind.
func TestAccountWritesOneAtATime(t *testing.T) {
	var a accountWrites
	ctx := context.Background()
	unlock, err := a.lock(ctx, "uid=Alice,ou=people,dc=example,dc=test")
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.lock(ctx, "uid=bob,ou=people,dc=example,dc=test")
	if err != nil {
		t.Fatalf("another account waited: %v", err)
	}
	other()
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := a.lock(short, "UID=alice,ou=people,dc=example,dc=test"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second write to the same account did not wait: %v", err)
	}
	var order []int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() {
			u, err := a.lock(ctx, "uid=alice,ou=people,dc=example,dc=test")
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			u()
		})
	}
	time.Sleep(20 * time.Millisecond)
	mu.Lock()
	if len(order) != 0 {
		t.Errorf("%d writes ran while the first held the account", len(order))
	}
	mu.Unlock()
	unlock()
	wg.Wait()
	if len(order) != 5 {
		t.Errorf("%d of 5 waiting writes ran", len(order))
	}
	if len(a.held) != 0 {
		t.Errorf("%d accounts still held", len(a.held))
	}
}
