package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
	"github.com/frontdoor-sspr/frontdoor/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "frontdoor.db"), sqlite.WithNow(now))
		if err != nil {
			t.Fatalf("Open() = %v", err)
		}
		return s
	})
}

func TestConformanceInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		s, err := sqlite.Open(context.Background(), ":memory:", sqlite.WithNow(now))
		if err != nil {
			t.Fatalf("Open() = %v", err)
		}
		return s
	})
}

func BenchmarkStore(b *testing.B) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		b.Run("synchronous="+sync, func(b *testing.B) {
			storetest.Benchmark(b, func(b *testing.B) store.Store {
				s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "frontdoor.db"), sqlite.WithSynchronous(sync))
				if err != nil {
					b.Fatalf("Open() = %v", err)
				}
				return s
			})
		})
	}
}
