package gate

import (
	"testing"
	"time"
)

func TestFloorFollowsTheSlowRuns(t *testing.T) {
	f := NewFloor(time.Millisecond)
	if got := f.Current(); got != time.Millisecond {
		t.Fatalf("floor with no runs = %v, want the least", got)
	}
	// One run in ten is slow: the floor is the slow runs' time.
	for i := range floorSamples {
		took := 2 * time.Millisecond
		if i%10 == 0 {
			took = 40 * time.Millisecond
		}
		f.observe(took)
	}
	if got := f.Current(); got != 40*time.Millisecond {
		t.Fatalf("floor = %v, want 40ms", got)
	}
	// A single outlier does not move it.
	f.observe(3 * time.Second)
	if got := f.Current(); got != 40*time.Millisecond {
		t.Fatalf("floor after one outlier = %v, want 40ms", got)
	}
	// Fast runs replace the slow ones; the floor falls, never below the least.
	for range floorSamples {
		f.observe(time.Microsecond)
	}
	if got := f.Current(); got != time.Millisecond {
		t.Fatalf("floor after fast runs = %v, want the least", got)
	}
	// A hanging directory holds no request longer than floorMax.
	for range floorSamples {
		f.observe(time.Minute)
	}
	if got := f.Current(); got != floorMax {
		t.Fatalf("floor after hanging runs = %v, want %v", got, floorMax)
	}
}
