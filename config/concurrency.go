package config

import "time"

// DefaultMaxConcurrent is server.max_concurrent's default: how many requests
// to frontdoor's own pages are served at once. Each costs about 35 KB while
// in progress; the rest wait, unread, for their turn. Measured in
// docs/benchmarks.md ("Memory"): enough to keep two CPUs, the directory and
// the store busy, few enough to keep 1,000 flows in flight under 60 MB.
const DefaultMaxConcurrent = 64

// DefaultQueueTimeout is server.queue_timeout's default: how long a request
// waits for its turn before it is answered 503 with Retry-After (or half of
// server.read_timeout when that is shorter).
const DefaultQueueTimeout = 10 * time.Second

func (c *Config) applyConcurrency() {
	s := &c.Server
	if s.MaxConcurrent == 0 {
		s.MaxConcurrent = DefaultMaxConcurrent
	}
	if s.QueueTimeout == 0 {
		s.QueueTimeout = Duration(DefaultQueueTimeout)
		if rt := s.ReadTimeout.D(); rt > 0 && rt/2 < DefaultQueueTimeout {
			s.QueueTimeout = Duration(rt / 2)
		}
	}
}

func (c *Config) validateConcurrency(p *Problems) {
	s := c.Server
	if s.MaxConcurrent < 1 {
		p.add("server.max_concurrent", "must be at least 1, got %d (the default is %d)", s.MaxConcurrent, DefaultMaxConcurrent)
	}
	// A request's body is read after its wait, within server.read_timeout
	// of its arrival (the connection's read deadline is set first).
	if q := s.QueueTimeout.D(); q <= 0 || (s.ReadTimeout.D() > 0 && q >= s.ReadTimeout.D()) {
		p.add("server.queue_timeout", "must be more than 0 and less than server.read_timeout (%s), got %s", s.ReadTimeout.D(), q)
	}
}
