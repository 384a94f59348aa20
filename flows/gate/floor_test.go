package gate

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/web"
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

// TestFloorWaitGivesUpItsSlot: a request padding its step to the floor
// holds none of web.Limiter's places meanwhile: with one place, another
// request is served during the wait, not after it.
func TestFloorWaitGivesUpItsSlot(t *testing.T) {
	f := NewFloor(2 * time.Second)
	var mu sync.Mutex
	var order []string
	note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	asleep := make(chan struct{})
	h := web.NewLimiter(web.LimitOptions{Max: 1}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/other" {
			note("other served")
			return
		}
		close(asleep)
		f.Wait(r.Context(), time.Now())
		note("floor waited")
	}))
	var wg sync.WaitGroup
	for _, path := range []string{"/padded", "/other"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, path, nil))
		}()
		if path == "/padded" {
			<-asleep
		}
	}
	wg.Wait()
	if got := strings.Join(order, ", "); got != "other served, floor waited" {
		t.Errorf("order %q: the padded request kept its place while it waited", got)
	}
}
