package gate

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/frontdoor-sspr/frontdoor/web"
)

// A step whose work differs between accounts (a known account costs a
// directory read or two more than an unknown ID: its group membership, its
// block, its methods) would tell them apart by its duration. Floor pads
// such a step to a fixed least time, and, since a slow directory can take
// longer than any fixed time, to the time the slowest of its recent runs
// took: a high percentile (floorQuantile) of the last floorSamples runs of
// the step, whatever the account. A known account's extra reads are then
// hidden as long as they are not rarer than one run in a hundred among the
// recent ones; see docs/security.md for what remains.
//
// The padding follows the directory: it rises within a few runs when the
// directory slows down and falls back as fast ones replace the slow ones.
// It never exceeds floorMax, so a directory that hangs cannot hold every
// request for longer.
type Floor struct {
	min time.Duration

	mu     sync.Mutex
	recent [floorSamples]time.Duration
	n, at  int
	sorted []time.Duration
}

const (
	floorSamples  = 512
	floorQuantile = 0.99
	floorMax      = 5 * time.Second
)

// NewFloor returns a Floor that pads to at least least.
func NewFloor(least time.Duration) *Floor {
	return &Floor{min: least, sorted: make([]time.Duration, 0, floorSamples)}
}

// Wait records that the step begun at began has done its work, and sleeps
// until began plus the floor. The request gives its place among those
// served at once up while it sleeps (web.Yield), and waits for one again
// after: always, even when there is no time left to sleep, so that this
// wait, like the floor, is the same whatever the account.
func (f *Floor) Wait(ctx context.Context, began time.Time) {
	until := began.Add(f.observe(time.Since(began)))
	web.Yield(ctx, func() { time.Sleep(time.Until(until)) })
}

// Current is the time a run is padded to now.
func (f *Floor) Current() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.current()
}

// observe records took and returns the floor that applies to this run,
// which counts itself among the recent ones.
func (f *Floor) observe(took time.Duration) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recent[f.at] = took
	f.at = (f.at + 1) % floorSamples
	f.n = min(f.n+1, floorSamples)
	return f.current()
}

func (f *Floor) current() time.Duration {
	if f.n == 0 {
		return f.min
	}
	f.sorted = append(f.sorted[:0], f.recent[:f.n]...)
	slices.Sort(f.sorted)
	q := f.sorted[min(f.n-1, int(float64(f.n)*floorQuantile))]
	return min(max(f.min, q), max(f.min, floorMax))
}
