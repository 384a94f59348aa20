package config

import "time"

// Audit configures the audit trail kept in the store.
type Audit struct {
	// Retention is how long audit events are kept; the store's garbage
	// collection removes older ones every minute.
	Retention Duration `yaml:"retention"`
}

// Retention defaults and bounds.
const (
	DefaultAuditRetention = 400 * 24 * time.Hour
	DefaultFinishedFlows  = 5 * time.Minute
	// maxFinishedFlows is a flow's whole life (flows.TTL): a finished flow
	// is never kept longer than it would have lived.
	maxFinishedFlows = 15 * time.Minute
)

// applyRetentionDefaults fills audit.retention and store.finished_flows.
func (c *Config) applyRetentionDefaults() {
	if c.Audit.Retention == 0 {
		c.Audit.Retention = Duration(DefaultAuditRetention)
	}
	if c.Store.FinishedFlows == 0 {
		c.Store.FinishedFlows = Duration(DefaultFinishedFlows)
	}
}

// validateRetention checks audit.retention and store.finished_flows.
func (c *Config) validateRetention(p *Problems) {
	if r := c.Audit.Retention.D(); r < 24*time.Hour {
		p.add("audit.retention", "must be at least a day (\"1d\"), got %s", r)
	}
	if f := c.Store.FinishedFlows.D(); f < time.Second || f > maxFinishedFlows {
		p.add("store.finished_flows", "must be between 1s and %s, got %s", maxFinishedFlows, f)
	}
}
