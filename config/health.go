package config

// Health configures what /readyz, on the metrics listener, checks.
type Health struct {
	// Ready lists the parts /readyz checks: store, directory, email (those
	// the file configures). Default: all three; [store] is the behaviour of
	// before, when only the store was checked.
	Ready []string `yaml:"ready"`
	// CacheFor is how long a readiness answer is reused (default 10s), so
	// that probes, however frequent, cost the directory and the mail server
	// a bind and a hello at most that often.
	CacheFor Duration `yaml:"cache_for"`
}

func (h *Health) validate(p *Problems) {
	for i, r := range h.Ready {
		oneOf(p, idx("health.ready", i), r, "store", "directory", "email")
	}
	if h.CacheFor.D() < 0 {
		p.add("health.cache_for", "must not be negative")
	}
}
