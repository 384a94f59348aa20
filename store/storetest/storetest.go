package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// Start is the time every test's clock starts at.
var Start = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// Clock is a manual clock for expiry tests: it moves only when told.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// suiteTest is one conformance test, given a fresh store and its clock.
type suiteTest struct {
	name string
	fn   func(t *testing.T, s store.Store, c *Clock)
}

// Run runs the conformance suite. open must return a new, empty store that
// judges expiry by now; Run closes it when each test ends.
func Run(t *testing.T, open func(t *testing.T, now func() time.Time) store.Store) {
	var tests []suiteTest
	tests = append(tests, flowTests...)
	tests = append(tests, updateKnownTests...)
	tests = append(tests, codeTests...)
	tests = append(tests, limitTests...)
	tests = append(tests, auditTests...)
	tests = append(tests, registrationTests...)
	tests = append(tests, suiteTest{"GC", testGC}, suiteTest{"Retention", testRetention}, suiteTest{"PingClose", testPingClose})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClock(Start)
			s := open(t, c.Now)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close() = %v", err)
				}
			})
			tt.fn(t, s, c)
		})
	}
}

// parallel runs fn(i) for i in [0, n) at once and returns the errors by i.
func parallel(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// updateByID is Update of flow id as stored: the flow is read first.
func updateByID(ctx context.Context, s store.Store, id string, fn func(*store.Flow) error) error {
	_, err := s.Flows().Update(ctx, store.Flow{ID: id}, fn)
	return err
}

// mustFlow creates a flow of kind reset at step "start" expiring in ttl.
func mustFlow(t *testing.T, s store.Store, c *Clock, ttl time.Duration) store.Flow {
	t.Helper()
	f := store.Flow{
		ID:        store.NewID(),
		Kind:      store.KindReset,
		Step:      "start",
		ExpiresAt: c.Now().Add(ttl),
	}
	if err := s.Flows().Create(context.Background(), f); err != nil {
		t.Fatalf("Create() = %v", err)
	}
	return f
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s = %v, want %v", what, err, want)
	}
}

func testGC(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	old := mustFlow(t, s, c, time.Minute)
	live := mustFlow(t, s, c, time.Hour)
	for _, code := range []store.Code{
		{FlowID: old.ID, Method: "email", Purpose: "gate1", Hash: []byte("h"), ExpiresAt: c.Now().Add(time.Hour), TriesLeft: 5},
		{FlowID: live.ID, Method: "email", Purpose: "gate1", Hash: []byte("h"), ExpiresAt: c.Now().Add(10 * time.Minute), TriesLeft: 5},
		{FlowID: live.ID, Method: "sms", Purpose: "gate2", Hash: []byte("h"), ExpiresAt: c.Now().Add(time.Hour), TriesLeft: 5},
	} {
		if err := s.Codes().Put(ctx, code); err != nil {
			t.Fatalf("Put() = %v", err)
		}
	}
	if _, _, _, err := s.Limits().Hit(ctx, "short", time.Minute, 5); err != nil {
		t.Fatalf("Hit() = %v", err)
	}
	if _, _, _, err := s.Limits().Hit(ctx, "long", 24*time.Hour, 5); err != nil {
		t.Fatalf("Hit() = %v", err)
	}
	if err := s.Limits().Block(ctx, "ended", c.Now().Add(5*time.Minute)); err != nil {
		t.Fatalf("Block() = %v", err)
	}
	if err := s.Limits().Block(ctx, "lasting", c.Now().Add(24*time.Hour)); err != nil {
		t.Fatalf("Block() = %v", err)
	}

	c.Advance(10 * time.Minute)
	st, err := s.GC(ctx, c.Now(), store.Retention{})
	if err != nil {
		t.Fatalf("GC() = %v", err)
	}
	want := store.GCStats{Flows: 1, Codes: 2, Hits: 1, Blocks: 1}
	if st != want {
		t.Errorf("GC() = %+v, want %+v", st, want)
	}
	if _, err := s.Flows().Get(ctx, live.ID); err != nil {
		t.Errorf("Get(live flow) after GC = %v", err)
	}
	if n, _ := s.Limits().Count(ctx, "long", 24*time.Hour); n != 1 {
		t.Errorf("Count(long) after GC = %d, want 1", n)
	}
	if _, blocked, _ := s.Limits().Blocked(ctx, "lasting"); !blocked {
		t.Error("Blocked(lasting) after GC = false, want true")
	}
	res, err := s.Codes().Verify(ctx, live.ID, "sms", "gate2", func([]byte) bool { return true })
	if err != nil || !res.OK {
		t.Errorf("Verify(live code) after GC = %+v, %v; want OK", res, err)
	}
	if st, err := s.GC(ctx, c.Now(), store.Retention{}); err != nil || st != (store.GCStats{}) {
		t.Errorf("second GC() = %+v, %v; want nothing removed", st, err)
	}
}

func testPingClose(t *testing.T, s store.Store, _ *Clock) {
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := s.Ping(context.Background()); err == nil {
		t.Error("Ping() after Close = nil, want an error")
	}
}
