package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/postgres"
	"github.com/frontdoor-sspr/frontdoor/store/storetest"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		s, err := postgres.Open(context.Background(), testenv.PostgresDB(t), postgres.WithNow(now))
		if err != nil {
			t.Fatalf("Open() = %v", err)
		}
		return s
	})
}

// TestOpenConcurrently starts several replicas on one empty database at once:
// each must open, and the schema must be applied exactly once.
func TestOpenConcurrently(t *testing.T) {
	dsn := testenv.PostgresDB(t)
	ctx := context.Background()
	const replicas = 6
	var wg sync.WaitGroup
	errs := make([]error, replicas)
	stores := make([]*postgres.Store, replicas)
	for i := range replicas {
		wg.Go(func() { stores[i], errs[i] = postgres.Open(ctx, dsn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: Open() = %v", i, err)
		}
		defer stores[i].Close()
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var applied int
	if err := conn.QueryRow(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = 1").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != 1 {
		t.Errorf("migration 1 recorded %d times, want 1", applied)
	}
	// A flow created through one replica is seen by another.
	f := store.Flow{ID: store.NewID(), Kind: store.KindReset, ExpiresAt: time.Now().Add(time.Hour)}
	if err := stores[0].Flows().Create(ctx, f); err != nil {
		t.Fatalf("Create() = %v", err)
	}
	if got, err := stores[replicas-1].Flows().Get(ctx, f.ID); err != nil || got.Version != 1 {
		t.Errorf("Get() through another replica = %+v, %v; want version 1", got, err)
	}
}

func TestOpenBadDSN(t *testing.T) {
	tests := []struct{ name, dsn string }{
		{"not a URL", "postgres://%zz"},
		{"unknown option", "postgres://127.0.0.1:5433/x?pool_max_conns=many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, err := postgres.Open(context.Background(), tt.dsn); err == nil {
				s.Close()
				t.Errorf("Open(%q) succeeded, want an error", tt.dsn)
			}
		})
	}
}

// TestUnreachableIsUnavailable: a database out of reach is
// store.ErrUnavailable, which frontdoor answers 503; a refused query is not.
func TestUnreachableIsUnavailable(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://frontdoor@127.0.0.1:1/frontdoor?connect_timeout=2")
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Open() on a closed port = %v, want store.ErrUnavailable", err)
	}
	s, err := postgres.Open(context.Background(), testenv.PostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Flows().Get(context.Background(), "no-such-flow")
	if !errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Get() of a missing flow = %v, want ErrNotFound alone", err)
	}
}

func BenchmarkStore(b *testing.B) {
	storetest.Benchmark(b, func(b *testing.B) store.Store {
		s, err := postgres.Open(context.Background(), testenv.PostgresDB(b))
		if err != nil {
			b.Fatalf("Open() = %v", err)
		}
		return s
	})
}
