package questions

import (
	"bytes"
	"context"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
)

// The real hash is argon2id at OWASP's parameters.
func TestArgon2(t *testing.T) {
	h := NewHasher(1)
	salt := []byte("0123456789abcdef")
	got, err := h.Hash(context.Background(), "paris", salt, OWASP)
	if err != nil {
		t.Fatal(err)
	}
	if want := argon2.IDKey([]byte("paris"), salt, 2, 19*1024, 1, 32); !bytes.Equal(got, want) {
		t.Fatal("Hash is not argon2id m=19 MiB t=2 p=1")
	}
	if ok, _ := h.Matches(context.Background(), "lyon", salt, got, OWASP); ok {
		t.Fatal("another answer matches")
	}
	if sane(Params{Memory: 1 << 30, Time: 1, Threads: 1}) != OWASP || sane(Params{}) != OWASP {
		t.Fatal("damaged parameters are used as stored")
	}
}

// A burst of answer checks never computes more hashes at once than the
// bound: the stand-in hash counts those in flight and holds each until the
// test has seen the bound reached.
func TestBurstStaysWithinBound(t *testing.T) {
	const bound, burst = 3, 24
	f := setup(t, config.SecurityQuestions{HashesInFlight: bound})
	texts := f.enroll(t, alice, "q01", "q02", "q03")
	var inFlight, peak, done atomic.Int32
	release := make(chan struct{})
	f.m.Hasher.derive = func(answer, salt []byte, p Params) []byte {
		n := inFlight.Add(1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		<-release
		inFlight.Add(-1)
		return cheap(answer, salt, p)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range burst {
		tg := f.target(t, &alice, "id:"+alice.ID)
		if i%2 == 1 {
			tg.User = nil // unknown IDs cost the same hashes
		}
		if err := f.m.Start(ctx, tg); err != nil {
			t.Fatal(err)
		}
		form := answers(f.asked(t, tg), texts)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = f.m.Verify(ctx, tg, form)
			done.Add(1)
		}()
	}
	// Wait (without a deadline on the outcome) until the bound is reached.
	for inFlight.Load() < bound {
		time.Sleep(time.Millisecond)
	}
	for range 3 * burst { // give the others every chance to exceed it
		time.Sleep(time.Millisecond)
	}
	if n := inFlight.Load(); n != bound {
		t.Errorf("%d hashes in flight while held, want %d", n, bound)
	}
	close(release)
	wg.Wait()
	if p := peak.Load(); p > bound {
		t.Fatalf("%d hashes were computed at once, the bound is %d", p, bound)
	}
	if done.Load() != burst {
		t.Fatalf("%d of %d checks finished", done.Load(), burst)
	}
}

// A request that gives up while waiting for a slot hashes nothing.
func TestHashWaitEndsWithRequest(t *testing.T) {
	h := NewHasher(1)
	h.sem <- struct{}{} // the one slot is taken
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "paris", []byte("salt"), OWASP); err == nil {
		t.Fatal("hashed without a free slot")
	}
	m := &Questions{Hasher: h, Catalog: NewCatalogue(true, nil), Config: config.SecurityQuestions{Register: 3, Answer: 3}}
	if err := m.Verify(ctx, methods.Target{Key: "login:x"}, url.Values{}); err == nil {
		t.Fatal("Verify passed without hashing")
	}
}
