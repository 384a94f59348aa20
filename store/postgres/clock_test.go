package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/postgres"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// skewed is a host clock off by d.
func skewed(d time.Duration) postgres.Option {
	return postgres.WithLocalClock(func() time.Time { return time.Now().Add(d) })
}

// TestClockIsTheServers (D-4): on a host whose clock is five minutes fast,
// the store's clock reads the database server's time.
func TestClockIsTheServers(t *testing.T) {
	dsn := testenv.PostgresDB(t)
	ctx := context.Background()
	s, err := postgres.Open(ctx, dsn, skewed(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var server time.Time
	if err := conn.QueryRow(ctx, "SELECT clock_timestamp()").Scan(&server); err != nil {
		t.Fatal(err)
	}
	if d := s.Now().Sub(server); d < -time.Second || d > time.Second {
		t.Errorf("the store's clock is %v off the server's, on a host five minutes fast", d)
	}
}

// TestReplicasWithSkewedClocksAgree (D-4): two replicas, on hosts five
// minutes slow and five minutes fast, agree on when a flow and a code end:
// what one creates to last two seconds, the other finds live at once and
// expired after, and its garbage collection leaves it alone until then.
func TestReplicasWithSkewedClocksAgree(t *testing.T) {
	dsn := testenv.PostgresDB(t)
	ctx := context.Background()
	slow, err := postgres.Open(ctx, dsn, skewed(-5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fast, err := postgres.Open(ctx, dsn, skewed(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	if d := fast.Now().Sub(slow.Now()); d < -time.Second || d > time.Second {
		t.Fatalf("the replicas' clocks are %v apart", d)
	}

	const life = 2 * time.Second
	f := store.Flow{ID: store.NewID(), Kind: store.KindReset, Step: "verify", ExpiresAt: slow.Now().Add(time.Hour)}
	if err := slow.Flows().Create(ctx, f); err != nil {
		t.Fatal(err)
	}
	short := store.Flow{ID: store.NewID(), Kind: store.KindReset, Step: "verify", ExpiresAt: slow.Now().Add(life)}
	if err := slow.Flows().Create(ctx, short); err != nil {
		t.Fatal(err)
	}
	code := store.Code{FlowID: f.ID, Method: "email", Purpose: "gate1", Hash: []byte("h"), ExpiresAt: slow.Now().Add(life), TriesLeft: 5}
	if err := slow.Codes().Put(ctx, code); err != nil {
		t.Fatal(err)
	}
	if _, err := fast.GC(ctx, fast.Now(), store.Retention{}); err != nil {
		t.Fatal(err)
	}
	if _, err := fast.Flows().Get(ctx, short.ID); err != nil {
		t.Fatalf("the fast replica does not find a flow the slow one made a moment ago: %v", err)
	}
	// A wrong try: the code is live, so the result is a mismatch, not expired.
	if _, err := fast.Codes().Verify(ctx, f.ID, "email", "gate1", func([]byte) bool { return false }); err != nil {
		t.Fatalf("the fast replica finds the slow one's fresh code gone: %v", err)
	}

	time.Sleep(life + 500*time.Millisecond)
	if _, err := fast.Flows().Get(ctx, short.ID); !errors.Is(err, store.ErrExpired) {
		t.Errorf("after its life the flow is still live on the fast replica: %v", err)
	}
	if _, err := slow.Codes().Verify(ctx, f.ID, "email", "gate1", func([]byte) bool { return true }); !errors.Is(err, store.ErrExpired) {
		t.Errorf("after its life the code still verifies on the slow replica: %v", err)
	}
}
