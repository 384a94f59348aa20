// Package methodstest holds test doubles for the method packages: an
// in-memory methods.Registrations and a real SQLite store with a flow to
// bind challenges to.
package methodstest

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

// Registrations is an in-memory methods.Registrations. Sections go through
// JSON, as the real one stores them, so a type that does not survive the
// round trip fails here too.
type Registrations struct {
	mu   sync.Mutex
	docs map[string]map[string]json.RawMessage
	// Writes counts SetSection calls.
	Writes int
}

var _ methods.Registrations = (*Registrations)(nil)

// NewRegistrations returns an empty in-memory Registrations.
func NewRegistrations() *Registrations {
	return &Registrations{docs: map[string]map[string]json.RawMessage{}}
}

// Section implements methods.Registrations.
func (r *Registrations) Section(_ context.Context, userID, name string, v any) (bool, error) {
	r.mu.Lock()
	raw, ok := r.docs[userID][name]
	r.mu.Unlock()
	if !ok {
		return false, nil
	}
	return true, json.Unmarshal(raw, v)
}

// SetSection implements methods.Registrations.
func (r *Registrations) SetSection(_ context.Context, userID, name string, v any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Writes++
	if v == nil {
		delete(r.docs[userID], name)
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if r.docs[userID] == nil {
		r.docs[userID] = map[string]json.RawMessage{}
	}
	r.docs[userID][name] = raw
	return nil
}

// Clock is a settable clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at a fixed date.
func NewClock() *Clock { return &Clock{now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Add moves the clock on.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// Store opens a SQLite store in a temporary directory on clk.
func Store(t testing.TB, clk *Clock) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"), sqlite.WithNow(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Flow creates a reset flow in st to bind challenges to and returns its ID.
func Flow(t testing.TB, st store.Store, clk *Clock) string {
	t.Helper()
	fl := store.Flow{ID: store.NewID(), Kind: store.KindReset, Step: "verify", ExpiresAt: clk.Now().Add(15 * time.Minute)}
	if err := st.Flows().Create(context.Background(), fl); err != nil {
		t.Fatal(err)
	}
	return fl.ID
}
