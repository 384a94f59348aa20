package server

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/frontdoor-sspr/frontdoor/notify"
	"github.com/frontdoor-sspr/frontdoor/telemetry"
)

// readiness is /readyz's answer, kept for health.cache_for so that a probe
// every second costs the directory and the mail server little.
type readiness struct {
	mu   sync.Mutex
	at   time.Time
	err  error
	smtp *notify.SMTP // the relay to say hello to, nil when not checked
}

// ready reports whether frontdoor can serve flows: the store answers, and,
// as health.ready lists, the directory and the mail server. A failure names
// the parts down (telemetry.NotReady) and logs why.
func (s *Server) ready(ctx context.Context) error {
	r := &s.readiness
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.at.IsZero() && time.Since(r.at) < s.cfg.Health.CacheFor.D() {
		return r.err
	}
	var down telemetry.NotReady
	check := func(part string, err error) {
		if err != nil {
			s.log.Error("not ready", "part", part, "err", err)
			down = append(down, part)
		}
	}
	on := func(part string) bool { return slices.Contains(s.cfg.Health.Ready, part) }
	if on("store") {
		check("store", s.store.Ping(ctx))
	}
	if on("directory") && s.directory != nil {
		check("directory", pingDirectory(ctx, s.directory))
	}
	if on("email") && r.smtp != nil {
		check("mail server", r.smtp.Ping(ctx))
	}
	r.err = nil
	if len(down) > 0 {
		r.err = down
	}
	r.at = time.Now()
	return r.err
}

// LogConnections tries every server the configuration names, as
// check-config --connect does, and logs one line for each: at start, so the
// operator knows before the first user does. It does not stop serving.
func (s *Server) LogConnections(ctx context.Context) {
	for _, c := range Connect(ctx, s.cfg) {
		switch {
		case c.Err != nil:
			s.log.Error("cannot use "+c.Part, "detail", c.Detail, "err", c.Err)
		case c.Warning != "":
			s.log.Warn(c.Part+" works, with a warning", "detail", c.Detail, "warning", c.Warning)
		default:
			s.log.Info(c.Part+" ok", "detail", c.Detail)
		}
	}
}
