package postgres

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// clockSync is how often the offset to the database's clock is measured
// again, so that a host clock stepped or drifting meanwhile is followed.
const clockSync = time.Minute

// dbClock is the database server's clock as read from this host: the local
// clock plus the offset last measured by asking the server for its time.
// Every replica on one database then stamps and judges expiry by one clock,
// however far its own host's clock has drifted.
type dbClock struct {
	local  func() time.Time
	offset atomic.Int64 // nanoseconds added to the local clock
}

func (c *dbClock) now() time.Time { return c.local().Add(time.Duration(c.offset.Load())) }

// measure reads the server's clock three times and keeps the reading with
// the shortest round trip, taken as read halfway through it.
func (c *dbClock) measure(ctx context.Context, pool *pgxpool.Pool) error {
	best, offset := time.Duration(-1), time.Duration(0)
	for range 3 {
		var server time.Time
		before := c.local()
		if err := pool.QueryRow(ctx, "SELECT clock_timestamp()").Scan(&server); err != nil {
			return dbError("read the server's clock", err)
		}
		rtt := c.local().Sub(before)
		if best < 0 || rtt < best {
			best, offset = rtt, server.Sub(before.Add(rtt/2))
		}
	}
	c.offset.Store(int64(offset))
	return nil
}

// follow measures the offset every clockSync until ctx ends. A failed
// measure keeps the last offset: the store's queries report the outage.
func (c *dbClock) follow(ctx context.Context, pool *pgxpool.Pool) {
	t := time.NewTicker(clockSync)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			mctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			_ = c.measure(mctx, pool)
			cancel()
		}
	}
}
