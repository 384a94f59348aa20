package gate

import (
	"net/http"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// keep stores the offered flow fl when its first form comes back, and
// records the flow's start: only a request that passed the per-client limit
// of identify gets this far, so what is stored is bounded per client. A
// flow already stored is returned as it is.
func (g *Gate) keep(w http.ResponseWriter, r *http.Request, fl store.Flow) (store.Flow, error) {
	if !flows.IsOffer(fl) {
		return fl, nil
	}
	kept, err := g.Engine.Keep(r.Context(), w, fl)
	if err != nil {
		return fl, err
	}
	g.Audit.Record(r, store.Event{Type: audit.FlowStarted, Flow: kept.ID, Outcome: "ok", Detail: map[string]string{"kind": g.opt.Kind}})
	return kept, nil
}
