package config

import (
	"fmt"
	"strings"
	"time"
)

// Audit configures the audit trail kept in the store.
type Audit struct {
	// Retention is how long audit events are kept; the store's garbage
	// collection removes older ones every minute.
	Retention Duration `yaml:"retention"`
	// Readers are the directory groups (DNs, or Keycloak group paths) whose
	// members, signed in, may read the audit log page (PREFIX/audit).
	// Empty: no page; `frontdoor audit` still prints the events.
	Readers []string `yaml:"readers"`
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

// validateAuditReaders checks audit.readers: groups named, and what the
// page needs, the sign-in and the directory that holds the groups.
func (c *Config) validateAuditReaders(p *Problems) {
	for i, g := range c.Audit.Readers {
		if strings.TrimSpace(g) == "" {
			p.add(fmt.Sprintf("audit.readers[%d]", i), "must name a directory group")
		}
	}
	if len(c.Audit.Readers) > 0 && c.SignIn == nil {
		p.add("audit.readers", "needs a signin section: readers sign in to see the audit log page")
	}
	if len(c.Audit.Readers) > 0 && c.Directory == nil {
		p.add("audit.readers", "needs a directory, where the readers' groups are")
	}
}
