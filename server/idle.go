package server

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// idleConns closes keep-alive connections that have waited longer than
// timeout for their next request, checking once every timeout/120.
//
// It stands in for http.Server.IdleTimeout, which arms a read deadline on
// the connection after every response and moves it again when the next
// request starts: that timer work cost 7 to 10 % of the requests a second
// frontdoor passes through (docs/benchmarks.md, "Fourth round"). Here a
// request costs two map updates; a connection is closed between timeout
// and timeout plus one sweep after its last response. A connection that
// has not sent its first request is bounded by ReadHeaderTimeout instead,
// as it is with IdleTimeout.
type idleConns struct {
	timeout time.Duration
	mu      sync.Mutex
	since   map[net.Conn]time.Time // the connections waiting, and since when
}

func newIdleConns(timeout time.Duration) *idleConns {
	return &idleConns{timeout: timeout, since: map[net.Conn]time.Time{}}
}

// track is the http.Server's ConnState hook.
func (c *idleConns) track(conn net.Conn, state http.ConnState) {
	c.mu.Lock()
	if state == http.StateIdle {
		c.since[conn] = time.Now()
	} else {
		delete(c.since, conn)
	}
	c.mu.Unlock()
}

// sweep closes the connections idle since before now minus the timeout, and
// returns how many. It closes them while holding the lock, so that none
// starts a request in between and is closed during it.
func (c *idleConns) sweep(now time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for conn, t := range c.since {
		if now.Sub(t) >= c.timeout {
			conn.Close()
			delete(c.since, conn)
			n++
		}
	}
	return n
}

// run sweeps until ctx is done.
func (c *idleConns) run(ctx context.Context) {
	t := time.NewTicker(max(c.timeout/120, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			c.sweep(now)
		}
	}
}
