// Package timingtest compares the durations of a step for two kinds of
// input (a known account and an unknown user ID) with the two-sample
// Kolmogorov–Smirnov test: a statistical test of whether both come from one
// distribution, not a threshold on time. It is used by the tests of
// flows/gate (an in-memory directory) and of server (real slapd).
package timingtest

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Critical01 is the two-sample Kolmogorov–Smirnov statistic's critical
// value at the 1 % level for samples of n and m: a larger D says the two
// differ, with a 1 % chance of saying so wrongly.
func Critical01(n, m int) float64 {
	return 1.628 * math.Sqrt(float64(n+m)/float64(n*m))
}

// KS returns the two-sample Kolmogorov–Smirnov statistic D of a and b: the
// largest distance between their empirical distribution functions.
func KS(a, b []time.Duration) float64 {
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	var i, j int
	d := 0.0
	for i < len(a) && j < len(b) {
		x := min(a[i], b[j])
		for i < len(a) && a[i] == x {
			i++
		}
		for j < len(b) && b[j] == x {
			j++
		}
		d = max(d, math.Abs(float64(i)/float64(len(a))-float64(j)/float64(len(b))))
	}
	return d
}

// Median returns the median of ds.
func Median(ds []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	return s[len(s)/2]
}

// Lanes is how many walks run at once. The steps measured are padded
// (most of their time is a sleep), so walks in parallel lanes finish the
// samples sooner; each lane interleaves the kinds in random order, so
// whatever one lane does to another's timing falls on both kinds alike.
const Lanes = 4

// Compare measures step for each kind, interleaved in random order pair by
// pair: warmup pairs first, not kept, then n pairs. It fails the test when
// the Kolmogorov–Smirnov statistic is above the 1 % critical value in two
// trials running (under no difference, one trial in a hundred is above it
// by chance; a real difference is above it every time). step may be called
// from several goroutines at once.
func Compare(t *testing.T, name string, warmup, n int, kinds [2]string, step func(kind string) time.Duration) {
	t.Helper()
	CompareSteps(t, []string{name}, warmup, n, kinds, func(kind string) []time.Duration {
		return []time.Duration{step(kind)}
	})
}

// CompareSteps is Compare for a walk through several steps, each timed:
// walk returns the duration of each step named in steps, and each step is
// compared on its own. walk may be called from several goroutines at once.
func CompareSteps(t *testing.T, steps []string, warmup, n int, kinds [2]string, walk func(kind string) []time.Duration) {
	t.Helper()
	crit := Critical01(n, n)
	failed := map[string]bool{}
	for _, s := range steps {
		failed[s] = true
	}
	for trial := 1; trial <= 2 && len(failed) > 0; trial++ {
		samples := pairs(steps, warmup, n, kinds, walk)
		for _, s := range steps {
			if !failed[s] {
				continue
			}
			a, b := samples[s][0], samples[s][1]
			d := KS(a, b)
			t.Logf("%s, trial %d: %s median %v, %s median %v; D = %.3f, 1%% critical %.3f (n = %d each)",
				s, trial, kinds[0], Median(a), kinds[1], Median(b), d, crit, n)
			if d <= crit {
				delete(failed, s)
			} else if trial == 2 {
				t.Errorf("%s: %s and %s are told apart by time: D = %.3f > %.3f twice running (medians %v and %v)",
					s, kinds[0], kinds[1], d, crit, Median(a), Median(b))
			}
		}
	}
}

// pairs walks warmup+n pairs over Lanes lanes and returns the samples of
// the last n pairs, by step and kind.
func pairs(steps []string, warmup, n int, kinds [2]string, walk func(kind string) []time.Duration) map[string]*[2][]time.Duration {
	samples := map[string]*[2][]time.Duration{}
	for _, s := range steps {
		samples[s] = &[2][]time.Duration{}
	}
	var mu sync.Mutex
	var next atomic.Int64
	var wg sync.WaitGroup
	for range Lanes {
		wg.Go(func() {
			for {
				pair := int(next.Add(1)) - 1
				if pair >= warmup+n {
					return
				}
				for _, k := range rand.Perm(2) {
					took := walk(kinds[k])
					if pair < warmup {
						continue
					}
					mu.Lock()
					for j, s := range steps {
						samples[s][k] = append(samples[s][k], took[j])
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return samples
}
