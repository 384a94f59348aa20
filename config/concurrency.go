package config

import "time"

// DefaultMaxConcurrent is server.max_concurrent's default: how many requests
// to frontdoor's own pages are served at once. Each costs about 35 KB while
// in progress; the rest wait, unread, for their turn. Measured in
// docs/benchmarks.md ("Memory"): 64 cost up to 5 % of the resets a second
// at 300 users on two CPUs, 128 no measurable memory, and either keeps the
// requests in progress, when they pile up, to a few megabytes.
const DefaultMaxConcurrent = 128

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
