package gate

import (
	"context"
	"net/http"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// RecordRefusal records e, the refusal of a request by the per-client limit
// key, the first time only in each window: a client that keeps sending
// after it was refused adds nothing more to the store (the log line is
// still written each time).
func RecordRefusal(r *http.Request, limits store.Limits, log *audit.Log, key string, window time.Duration, e store.Event) {
	first, _, _, err := limits.Hit(context.WithoutCancel(r.Context()), "refused:"+key, window, 1)
	if err == nil && first {
		log.Record(r, e)
		return
	}
	web.Logger(r.Context()).Info("audit", "type", e.Type, "outcome", e.Outcome, "repeated", true,
		"request_id", web.RequestID(r.Context()))
}
