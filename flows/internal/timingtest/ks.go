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

// Compare measures step for each kind, interleaved in random order pair by
// pair: warmup pairs first, not kept, then n pairs. It fails the test when
// the Kolmogorov–Smirnov statistic is above the 1 % critical value in two
// trials running (under no difference, one trial in a hundred is above it
// by chance; a real difference is above it every time).
func Compare(t *testing.T, name string, warmup, n int, kinds [2]string, step func(kind string, i int) time.Duration) {
	t.Helper()
	crit := Critical01(n, n)
	var d float64
	var samples [2][]time.Duration
	i := 0
	for trial := 1; trial <= 2; trial++ {
		samples = [2][]time.Duration{}
		for pair := range warmup + n {
			order := rand.Perm(2)
			for _, k := range order {
				took := step(kinds[k], i)
				i++
				if pair >= warmup {
					samples[k] = append(samples[k], took)
				}
			}
		}
		d = KS(samples[0], samples[1])
		t.Logf("%s, trial %d: %s median %v, %s median %v; D = %.3f, 1%% critical %.3f (n = %d each)",
			name, trial, kinds[0], Median(samples[0]), kinds[1], Median(samples[1]), d, crit, n)
		if d <= crit {
			return
		}
	}
	t.Errorf("%s: %s and %s are told apart by time: D = %.3f > %.3f twice running (medians %v and %v)",
		name, kinds[0], kinds[1], d, crit, Median(samples[0]), Median(samples[1]))
}
