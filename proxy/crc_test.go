package proxy

import (
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

// TestCRC32Combine: the combined CRC of two parts is the CRC of the whole,
// for every cut of pages from empty to over 64 KB.
func TestCRC32Combine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 7, 100, 4096, 50 << 10, 70 << 10} {
		page := make([]byte, n)
		for i := range page {
			page[i] = byte(r.UintN(256))
		}
		cuts := []int{0, n / 3, n / 2, n}
		for range 5 {
			cuts = append(cuts, r.IntN(n+1))
		}
		for _, cut := range cuts {
			a, b := page[:cut], page[cut:]
			got := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), len(b))
			if want := crc32.ChecksumIEEE(page); got != want {
				t.Errorf("%d bytes cut at %d: combined %08x, whole %08x", n, cut, got, want)
			}
		}
	}
}
