package gate

import (
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Limits on requests to the flows' pages whose flow cookie names no flow: a browser holding the cookie of a flow that ended sends one now
// and then, a guesser of handles sends many. Handles are 256 random bits,
// so guessing cannot succeed; the limits make the attempt visible (429s in
// the metrics, an audit event) and give the guesser nothing but 429s. Each
// miss is counted after its lookup, so they do not spare the store that.
const (
	missIPWindow  = 10 * time.Minute
	missIPLimit   = 20 // per client IP per missIPWindow
	missAllWindow = time.Minute
	missAllLimit  = 300 // from every client together per missAllWindow
)

// ErrUnknownHandles is the refusal of a client past the limits (answered
// 429).
var ErrUnknownHandles = errors.New("too many requests naming no flow")

// UnknownHandles applies the limits on requests whose flow cookie names no
// flow: the gates' flows and the helpdesk form share them.
type UnknownHandles struct {
	Engine   *flows.Engine
	Limits   store.Limits
	Audit    *audit.Log
	ClientIP func(*http.Request) string
}

// load is UnknownHandles.Load for the gate's flow.
func (g *Gate) load(w http.ResponseWriter, r *http.Request, s *State) (store.Flow, error) {
	return UnknownHandles{g.Engine, g.Limits, g.Audit, g.ClientIP}.Load(w, r, g.opt.Kind, s)
}

// Load is Engine.Load that counts a request whose cookie names no flow:
// past the limits it answers 429 with Retry-After and returns the error to
// render, ErrUnknownHandles, instead of flows.ErrNoFlow.
func (u UnknownHandles) Load(w http.ResponseWriter, r *http.Request, kind string, s any) (store.Flow, error) {
	fl, err := u.Engine.Load(r, kind, s)
	if errors.Is(err, flows.ErrNoFlow) {
		if cerr := u.check(w, r, kind); cerr != nil {
			return fl, cerr
		}
	}
	return fl, err
}

// check counts a request whose cookie for a flow of kind (if it sent one)
// named no flow, per client address and from all clients together. Past
// either limit it answers 429 with Retry-After and returns the error to
// render; otherwise nil. A request without the cookie is not counted: it
// guesses nothing.
func (u UnknownHandles) check(w http.ResponseWriter, r *http.Request, kind string) error {
	if _, err := r.Cookie(u.Engine.CookieName(kind)); err != nil {
		return nil
	}
	ctx, ip := r.Context(), missKey(u.ClientIP(r))
	for _, l := range []struct {
		key, name string
		window    time.Duration
		max       int
	}{
		{"handle-miss:ip:" + ip, "unknown_flow_ip", missIPWindow, missIPLimit},
		{"handle-miss:all", "unknown_flow_all", missAllWindow, missAllLimit},
	} {
		ok, _, retry, err := u.Limits.Hit(ctx, l.key, l.window, l.max)
		if err != nil {
			return err
		}
		if !ok {
			RecordRefusal(r, u.Limits, u.Audit, l.key, l.window,
				store.Event{Type: audit.Blocked, Outcome: "rate_limited", Detail: map[string]string{"limit": l.name}})
			// The cookie is left as it is: the browser may hold a newer one
			// already, set by a request of the same burst that went on
			// (a gate passed rotates the handle), which ending it would wipe.
			w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())+1))
			return web.WithStatus(http.StatusTooManyRequests, ErrUnknownHandles)
		}
	}
	return nil
}

// missKey is the client address the per-address limit counts: an IPv6
// address by its /64, which one host can hold whole.
func missKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return ip
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}
