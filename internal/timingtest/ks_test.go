package timingtest

import (
	"math"
	"testing"
	"time"
)

func TestKS(t *testing.T) {
	ms := func(xs ...int) []time.Duration {
		var ds []time.Duration
		for _, x := range xs {
			ds = append(ds, time.Duration(x)*time.Millisecond)
		}
		return ds
	}
	tests := []struct {
		name string
		a, b []time.Duration
		want float64
	}{
		{"same", ms(1, 2, 3, 4), ms(1, 2, 3, 4), 0},
		{"apart", ms(1, 2, 3), ms(10, 11, 12), 1},
		{"half", ms(1, 2, 3, 4), ms(3, 4, 5, 6), 0.5},
		{"ties", ms(1, 1, 2, 2), ms(1, 2, 2, 2), 0.25},
	}
	for _, tt := range tests {
		if got := KS(tt.a, tt.b); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: KS = %v, want %v", tt.name, got, tt.want)
		}
	}
	if c := Critical01(200, 200); math.Abs(c-0.1628) > 1e-4 {
		t.Errorf("Critical01(200, 200) = %v, want 0.1628", c)
	}
}
