package policy

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
)

var benchUser = Context{Username: "jdoe", GivenName: "Jane", Surname: "Doe", DisplayName: "Jane Doe", Email: "jane.doe@example.test"}

func benchCheck(b *testing.B, cfg config.PasswordPolicy, pws []string) {
	p := mustNew(b, cfg, "Example Corp")
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := p.Check(ctx, pws[i%len(pws)], benchUser); err != nil {
			b.Fatal(err)
		}
	}
}

// typical are passwords of 10 to 24 characters, accepted and refused.
var typical = []string{"Kv93!xTrq#pl", "P@ssw0rd2026!", "Summer2026!", "zebra-quantum-42-lantern", "Correct-Horse-Battery-9", "Welcome123!", "Jupiter&Mars1987", "xK9#mQ2$vL"}

// BenchmarkCheck is one full check of a typical password with the global
// list and an organisation list of 1,000 terms loaded.
func BenchmarkCheck(b *testing.B) {
	terms := make([]string, 1000)
	for i := range terms {
		terms[i] = "orgterm" + strings.Repeat(string(rune('a'+i%26)), 1+i%8) + string(rune('a'+i/26%26))
	}
	benchCheck(b, config.PasswordPolicy{BannedTerms: terms}, typical)
}

// BenchmarkCheck64 and BenchmarkCheck256 check the longest passwords NIST
// mode and the reference accept.
func BenchmarkCheck64(b *testing.B) {
	benchCheck(b, config.PasswordPolicy{Mode: ModeNIST}, []string{strings.Repeat("Kv93!xTrq#plmZ8w", 4)})
}

func BenchmarkCheck256(b *testing.B) {
	benchCheck(b, config.PasswordPolicy{}, []string{strings.Repeat("Kv93!xTrq#plmZ8w", 16)})
}

// BenchmarkCheckStrength adds the zxcvbn strength estimate.
func BenchmarkCheckStrength(b *testing.B) {
	benchCheck(b, config.PasswordPolicy{MinScore: 3}, typical)
}

// BenchmarkLoadGlobal builds the global list's index and reports the heap it
// keeps (the embedded list itself lives in the binary's read-only data) and
// the bytes of its slices.
func BenchmarkLoadGlobal(b *testing.B) {
	var kept uint64
	for b.Loop() {
		kept = heapKept(b, func() any {
			ix, err := newIndex(globalTerms())
			if err != nil {
				b.Fatal(err)
			}
			return ix
		})
	}
	ix, err := newIndex(globalTerms())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(kept), "heap-bytes")
	b.ReportMetric(float64(indexBytes(ix)), "B/index")
	b.ReportMetric(float64(GlobalTerms()), "terms")
}

// indexBytes is the size of the slices an index holds.
func indexBytes(ix *index) int {
	return cap(ix.narrow) + 4*cap(ix.wide) + 4*cap(ix.ends) + 4*cap(ix.slots)
}

// heapKept returns the heap still in use after build, once garbage is collected.
func heapKept(tb testing.TB, build func() any) uint64 {
	tb.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return after.HeapAlloc - before.HeapAlloc
}

// TestGlobalIndexOffHeap checks that the global list's index, as the
// process builds it, keeps its table out of the Go heap, and still finds a
// banned term.
func TestGlobalIndexOffHeap(t *testing.T) {
	var ix *index
	kept := heapKept(t, func() any {
		var err error
		if ix, err = buildGlobal(); err != nil {
			t.Fatal(err)
		}
		return ix
	})
	t.Logf("global list with its table off the heap: %d bytes of heap, table %d bytes", kept, 4*len(ix.slots))
	if limit := uint64(indexBytes(ix) - 4*len(ix.slots) + 64<<10); kept > limit {
		t.Errorf("the global list keeps %d bytes of heap, want at most %d: its table is on the heap", kept, limit)
	}
	p := []rune("password")
	var h hasher
	h.reset(p)
	if id := ix.match(&h, p, 0, len(p)); id < 0 || ix.term(id) != "password" {
		t.Errorf("match(password) = %d, want the term password", id)
	}
}

func TestGlobalListMemory(t *testing.T) {
	kept := heapKept(t, func() any {
		ix, err := newIndex(globalTerms())
		if err != nil {
			t.Fatal(err)
		}
		return ix
	})
	t.Logf("global list: %d terms, %d bytes of heap", GlobalTerms(), kept)
	if kept > 4<<20 {
		t.Errorf("the global list keeps %d bytes of heap, want under 4 MiB", kept)
	}
	terms := make([]string, MaxBannedTerms)
	for i := range terms {
		terms[i] = fmt.Sprintf("organisation%04d", i) // the longest terms allowed
	}
	kept = heapKept(t, func() any {
		ix, err := newIndex(foldTerms(terms))
		if err != nil {
			t.Fatal(err)
		}
		return ix
	})
	t.Logf("organisation list: %d terms of %d characters, %d bytes of heap", len(terms), MaxTermLength, kept)
	if kept > 1<<20 {
		t.Errorf("the organisation list keeps %d bytes of heap, want under 1 MiB", kept)
	}
}
