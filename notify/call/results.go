package call

import (
	"context"
	"sync"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// Results carries the outcome of a call from the replica that learns it
// (Twilio's callback may reach any replica) to the one that placed the
// call. The first outcome put for a reference wins.
type Results interface {
	// Put records o for ref unless ref has an outcome already.
	Put(ctx context.Context, ref string, o Outcome) error
	// Get returns ref's outcome, false while there is none.
	Get(ctx context.Context, ref string) (Outcome, bool, error)
}

// Once tells whether a key is seen for the first time: what makes a
// callback single-use across replicas.
type Once interface {
	// First reports whether key was not seen within ttl, and marks it seen.
	First(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// StoreResults keeps outcomes and single-use marks as rate-limit windows of
// the shared store, which every replica sees: a key with one hit is set.
type StoreResults struct {
	Limits store.Limits
	// TTL is how long an outcome or a mark is kept (default 15 minutes).
	TTL time.Duration
}

var (
	_ Results = (*StoreResults)(nil)
	_ Once    = (*StoreResults)(nil)
)

func (s *StoreResults) ttl() time.Duration {
	if s.TTL == 0 {
		return 15 * time.Minute
	}
	return s.TTL
}

// First implements Once.
func (s *StoreResults) First(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ok, _, _, err := s.Limits.Hit(ctx, "call-once:"+key, ttl, 1)
	return ok, err
}

// Put implements Results: the first put claims ref, then names its outcome.
func (s *StoreResults) Put(ctx context.Context, ref string, o Outcome) error {
	ok, _, _, err := s.Limits.Hit(ctx, "call-result:"+ref, s.ttl(), 1)
	if err != nil || !ok {
		return err
	}
	_, _, _, err = s.Limits.Hit(ctx, "call-result:"+ref+":"+string(o), s.ttl(), 1)
	return err
}

// Get implements Results.
func (s *StoreResults) Get(ctx context.Context, ref string) (Outcome, bool, error) {
	for _, o := range Outcomes {
		n, err := s.Limits.Count(ctx, "call-result:"+ref+":"+string(o), s.ttl())
		if err != nil {
			return "", false, err
		}
		if n > 0 {
			return o, true, nil
		}
	}
	return "", false, nil
}

// MemoryResults is Results and Once for a single replica, and for tests.
type MemoryResults struct {
	mu   sync.Mutex
	outc map[string]Outcome
	seen map[string]bool
}

// Put implements Results.
func (m *MemoryResults) Put(_ context.Context, ref string, o Outcome) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.outc == nil {
		m.outc = map[string]Outcome{}
	}
	if _, ok := m.outc[ref]; !ok {
		m.outc[ref] = o
	}
	return nil
}

// Get implements Results.
func (m *MemoryResults) Get(_ context.Context, ref string) (Outcome, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.outc[ref]
	return o, ok, nil
}

// First implements Once; marks are kept for the life of m.
func (m *MemoryResults) First(_ context.Context, key string, _ time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[string]bool{}
	}
	if m.seen[key] {
		return false, nil
	}
	m.seen[key] = true
	return true, nil
}
