package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

var limitTests = []suiteTest{
	{"LimitWindow", testLimitWindow},
	{"LimitKeys", testLimitKeys},
	{"LimitInvalid", testLimitInvalid},
	{"LimitParallel", testLimitParallel},
	{"LimitBlock", testLimitBlock},
	{"LimitReset", testLimitReset},
}

type hit struct {
	allowed    bool
	count      int
	retryAfter time.Duration
}

func mustHit(t *testing.T, s store.Store, key string, window time.Duration, max int) hit {
	t.Helper()
	allowed, count, retryAfter, err := s.Limits().Hit(context.Background(), key, window, max)
	if err != nil {
		t.Fatalf("Hit(%q) = %v", key, err)
	}
	return hit{allowed, count, retryAfter}
}

// testLimitWindow: 3 per minute, hits 10 s apart; the window slides.
func testLimitWindow(t *testing.T, s store.Store, c *Clock) {
	steps := []struct {
		advance time.Duration
		want    hit
	}{
		{0, hit{true, 1, 0}},                                // t=0
		{10 * time.Second, hit{true, 2, 0}},                 // t=10
		{10 * time.Second, hit{true, 3, 0}},                 // t=20
		{10 * time.Second, hit{false, 3, 30 * time.Second}}, // t=30: the t=0 hit leaves at t=60
		{29 * time.Second, hit{false, 3, time.Second}},      // t=59
		{time.Second, hit{true, 3, 0}},                      // t=60: t=0 left, t=10, t=20, t=60 remain
		{0, hit{false, 3, 10 * time.Second}},                // t=60: t=10 leaves at t=70
		{2 * time.Minute, hit{true, 1, 0}},                  // t=180: all left
	}
	for i, st := range steps {
		c.Advance(st.advance)
		if got := mustHit(t, s, "k", time.Minute, 3); got != st.want {
			t.Fatalf("step %d: Hit() = %+v, want %+v", i, got, st.want)
		}
	}
	n, err := s.Limits().Count(context.Background(), "k", time.Minute)
	if err != nil || n != 1 {
		t.Errorf("Count() = %d, %v; want 1", n, err)
	}
	// Count records nothing.
	if n, _ := s.Limits().Count(context.Background(), "k", time.Minute); n != 1 {
		t.Errorf("second Count() = %d, want 1", n)
	}
}

func testLimitKeys(t *testing.T, s store.Store, _ *Clock) {
	for range 2 {
		mustHit(t, s, "user:alice", time.Hour, 2)
	}
	if got := mustHit(t, s, "user:alice", time.Hour, 2); got.allowed {
		t.Fatalf("third Hit(user:alice) = %+v, want refused", got)
	}
	if got := mustHit(t, s, "user:bob", time.Hour, 2); !got.allowed || got.count != 1 {
		t.Errorf("Hit(user:bob) = %+v, want allowed with count 1", got)
	}
	if n, _ := s.Limits().Count(context.Background(), "ip:192.0.2.1", time.Hour); n != 0 {
		t.Errorf("Count(unused key) = %d, want 0", n)
	}
}

func testLimitInvalid(t *testing.T, s store.Store, _ *Clock) {
	tests := []struct {
		window time.Duration
		max    int
	}{
		{0, 5}, {-time.Minute, 5}, {time.Minute, 0}, {time.Minute, -1},
	}
	for _, tt := range tests {
		_, _, _, err := s.Limits().Hit(context.Background(), "k", tt.window, tt.max)
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Hit(window %v, max %d) = %v, want ErrInvalid", tt.window, tt.max, err)
		}
	}
}

func testLimitParallel(t *testing.T, s store.Store, _ *Clock) {
	allowed := make([]bool, 50)
	errs := parallel(50, func(i int) error {
		var err error
		allowed[i], _, _, err = s.Limits().Hit(context.Background(), "k", time.Hour, 10)
		return err
	})
	n := 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Hit %d = %v", i, err)
		}
		if allowed[i] {
			n++
		}
	}
	if n != 10 {
		t.Errorf("%d of 50 parallel hits allowed, want 10", n)
	}
	if got, _ := s.Limits().Count(context.Background(), "k", time.Hour); got != 10 {
		t.Errorf("Count() = %d, want 10", got)
	}
}

func testLimitBlock(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	blocked := func(key string) (time.Time, bool) {
		t.Helper()
		until, b, err := s.Limits().Blocked(ctx, key)
		if err != nil {
			t.Fatalf("Blocked(%q) = %v", key, err)
		}
		return until, b
	}
	if _, b := blocked("reset:alice"); b {
		t.Fatal("Blocked() before any Block = true")
	}
	until := c.Now().Add(24 * time.Hour)
	if err := s.Limits().Block(ctx, "reset:alice", c.Now().Add(time.Hour)); err != nil {
		t.Fatalf("Block() = %v", err)
	}
	if err := s.Limits().Block(ctx, "reset:alice", until); err != nil {
		t.Fatalf("Block() = %v", err)
	}
	c.Advance(24*time.Hour - time.Second)
	if got, b := blocked("reset:alice"); !b || !got.Equal(until) {
		t.Fatalf("Blocked() a second before the end = %v, %v; want %v, true", got, b, until)
	}
	if _, b := blocked("reset:bob"); b {
		t.Error("Blocked(other key) = true")
	}
	c.Advance(time.Second)
	if _, b := blocked("reset:alice"); b {
		t.Error("Blocked() at the end = true, want false")
	}
}

func testLimitReset(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	for range 3 {
		mustHit(t, s, "k", time.Hour, 3)
	}
	if err := s.Limits().Block(ctx, "k", c.Now().Add(time.Hour)); err != nil {
		t.Fatalf("Block() = %v", err)
	}
	if err := s.Limits().Reset(ctx, "k"); err != nil {
		t.Fatalf("Reset() = %v", err)
	}
	if _, b, _ := s.Limits().Blocked(ctx, "k"); b {
		t.Error("Blocked() after Reset = true")
	}
	if got := mustHit(t, s, "k", time.Hour, 3); !got.allowed || got.count != 1 {
		t.Errorf("Hit() after Reset = %+v, want allowed with count 1", got)
	}
}
