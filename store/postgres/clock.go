package postgres

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// clockSync is how often the database's clock is read again, so that the
// host's monotonic clock drifting from it is followed.
const clockSync = time.Minute

// dbClock is the database server's clock as read from this host: the
// server's time at the last measurement plus the time elapsed here since,
// on the host's monotonic clock. Every replica on one database then stamps
// and judges expiry by one clock, however far its own host's wall clock is
// off, or is stepped between two measurements.
type dbClock struct {
	local func() time.Time // the host's clock, with its monotonic reading
	last  atomic.Pointer[reading]
}

// reading is the server's time and the host's clock at the same instant.
type reading struct{ server, local time.Time }

func (c *dbClock) now() time.Time {
	r := c.last.Load()
	return r.server.Add(c.local().Sub(r.local))
}

// measure reads the server's clock three times and keeps the reading with
// the shortest round trip, taken as read halfway through it.
func (c *dbClock) measure(ctx context.Context, pool *pgxpool.Pool) error {
	var best *reading
	var bestRTT time.Duration
	for range 3 {
		var server time.Time
		before := c.local()
		if err := pool.QueryRow(ctx, "SELECT clock_timestamp()").Scan(&server); err != nil {
			return dbError("read the server's clock", err)
		}
		rtt := c.local().Sub(before)
		if best == nil || rtt < bestRTT {
			best, bestRTT = &reading{server: server, local: before.Add(rtt / 2)}, rtt
		}
	}
	c.last.Store(best)
	return nil
}

// follow reads the server's clock every clockSync until ctx ends. A failed
// reading keeps the last one: the store's queries report the outage.
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
