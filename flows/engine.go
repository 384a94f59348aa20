package flows

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// TTL is how long a flow lives after it starts.
const TTL = 15 * time.Minute

// Finished is how long, by default, a flow is kept once it reached one of
// FinalSteps: long enough to show its last page again, no longer.
const Finished = 5 * time.Minute

// FinalSteps are the steps at which the flows end: the gates' "stopped",
// reset's and unlock's "done", the helpdesk's "sent". Nothing moves a flow on
// from them, so the store need not keep it for its whole TTL.
var FinalSteps = []string{"stopped", "done", "sent"}

// Errors of the engine.
var (
	// ErrNoFlow means the request carries no live flow of the kind asked for:
	// no cookie, an unknown or expired flow, or a flow of another kind.
	ErrNoFlow = errors.New("flows: no flow in progress")
	// ErrWrongStep means the flow is not at a step from which the request may
	// go on: a skipped step, a replay, or a parallel request that lost.
	ErrWrongStep = errors.New("flows: step not allowed now")
)

// Engine starts, loads and advances flows.
type Engine struct {
	flows    store.Flows
	path     string
	secure   bool
	ttl      time.Duration
	finished time.Duration
	now      func() time.Time
	secret   []byte
	limits   store.Limits
}

// Options configures an Engine.
type Options struct {
	Flows store.Flows
	// Prefix is the path the flow cookies are scoped to.
	Prefix string
	// Secure marks cookies Secure (public_url is https).
	Secure bool
	TTL    time.Duration
	// Finished is how long a flow is kept once at one of FinalSteps
	// (default Finished); the store's GC then removes it.
	Finished time.Duration
	Now      func() time.Time
	// Secret keys the seal of offered flows (see Offer); empty means a
	// random key, good for this process only.
	Secret []byte
	// Limits records the offers kept, so that each is kept once.
	Limits store.Limits
}

// NewEngine returns an Engine.
func NewEngine(o Options) *Engine {
	if o.TTL == 0 {
		o.TTL = TTL
	}
	if o.Finished == 0 {
		o.Finished = Finished
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if len(o.Secret) == 0 {
		o.Secret = make([]byte, 32)
		_, _ = rand.Read(o.Secret)
	}
	return &Engine{flows: o.Flows, path: o.Prefix, secure: o.Secure, ttl: o.TTL, finished: o.Finished, now: o.Now,
		secret: o.Secret, limits: o.Limits}
}

// Now returns the engine's clock reading.
func (e *Engine) Now() time.Time { return e.now() }

// CookieName is the cookie that carries a flow of kind over plain http.
func CookieName(kind string) string { return "frontdoor_" + kind }

// CookieName is the cookie that carries a flow of kind. Over https it has
// the __Host- prefix, so a sibling subdomain cannot plant a flow of its own
// in the browser (which is also why its path is /: the proxy keeps it from
// the upstream).
func (e *Engine) CookieName(kind string) string {
	if e.secure {
		return "__Host-" + CookieName(kind)
	}
	return CookieName(kind)
}

// cookie is the flow cookie of kind carrying value.
func (e *Engine) cookie(kind, value string, expires time.Time) *http.Cookie {
	c := &http.Cookie{Name: e.CookieName(kind), Value: value, Path: e.path, Expires: expires,
		HttpOnly: true, Secure: e.secure, SameSite: http.SameSiteLaxMode}
	if e.secure {
		c.Path = "/"
	}
	if value == "" {
		c.MaxAge = -1
	}
	return c
}

// Start creates a flow of kind at step with state s, and sets its cookie.
func (e *Engine) Start(ctx context.Context, w http.ResponseWriter, kind, step string, s any) (store.Flow, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return store.Flow{}, fmt.Errorf("flows: encode state: %w", err)
	}
	now := e.now()
	handle := store.NewID()
	f := store.Flow{ID: StoreKey(handle), Kind: kind, Step: step, Data: data, CreatedAt: now, ExpiresAt: now.Add(e.ttl), Version: 1}
	if err := e.flows.Create(ctx, f); err != nil {
		return store.Flow{}, fmt.Errorf("flows: create: %w", err)
	}
	http.SetCookie(w, e.cookie(kind, handle, f.ExpiresAt))
	return f, nil
}

// StoreKey is the store's key of the flow that a cookie's handle names: the
// handle's SHA-256. The store (its file, a backup, a replica, a read-only
// leak) holds no handle that would take over a flow in progress; a flow's ID
// is its key, never its handle, which only the browser's cookie carries.
func StoreKey(handle string) string {
	sum := sha256.Sum256([]byte(handle))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Rotate gives the flow a new handle, set in this response's cookie only,
// and forgets the old one, in one store transaction; it returns the flow
// under the new handle's key. Called at every gate passed, before the flow moves
// on: a handle taken before (planted in the victim's browser by whoever
// started the flow, or seen) never reaches what lies past the gate.
func (e *Engine) Rotate(ctx context.Context, w http.ResponseWriter, id string) (store.Flow, error) {
	handle := store.NewID()
	f, err := e.flows.Rekey(ctx, id, StoreKey(handle))
	if errors.Is(err, store.ErrNotFound) {
		return store.Flow{}, ErrNoFlow
	}
	if err != nil {
		return store.Flow{}, fmt.Errorf("flows: rotate: %w", err)
	}
	http.SetCookie(w, e.cookie(f.Kind, handle, f.ExpiresAt))
	return f, nil
}

// End removes the flow's cookie (the flow itself expires in the store).
func (e *Engine) End(w http.ResponseWriter, kind string) {
	http.SetCookie(w, e.cookie(kind, "", time.Time{}))
}

// Load returns the flow of kind that r's cookie names, stored or offered
// (see Offer), with its state decoded into s.
func (e *Engine) Load(r *http.Request, kind string, s any) (store.Flow, error) {
	c, err := r.Cookie(e.CookieName(kind))
	if err != nil {
		return store.Flow{}, ErrNoFlow
	}
	return e.Peek(r.Context(), kind, c.Value, s)
}

// Advance moves flow f on from one of the steps in from: fn changes the
// decoded state and returns the next step, and Advance returns the flow as
// saved. f is the flow as Load (or Keep, or Advance) returned it, or only
// its ID; while nobody else saved the flow since, it is not read again and
// fn gets f's state. Otherwise the step is decided on the flow as stored
// now; an offered flow, never stored, is ErrNoFlow until Keep stores it.
// The save is a compare-and-swap, so when two requests race for the same
// step, one gets ErrWrongStep. An error from fn aborts the step and nothing
// is saved. fn may run more than once (again on a fresh read after a lost
// race, or after it failed on f), so whatever it sets outside the state
// must be set on every run. A flow moved to one of FinalSteps expires the
// engine's Finished time later (or at its own expiry, when sooner).
func Advance[S any](ctx context.Context, e *Engine, f store.Flow, from []string, fn func(s *S) (next string, err error)) (store.Flow, error) {
	saved, err := e.flows.Update(ctx, f, step(e, from, fn))
	if errors.Is(err, store.ErrNotFound) {
		return store.Flow{}, ErrNoFlow
	}
	return saved, err
}

// step is the change of a stored flow that Advance makes.
func step[S any](e *Engine, from []string, fn func(s *S) (next string, err error)) func(*store.Flow) error {
	return func(f *store.Flow) error {
		if !slices.Contains(from, f.Step) {
			return ErrWrongStep
		}
		var s S
		if err := json.Unmarshal(f.Data, &s); err != nil {
			return fmt.Errorf("flows: decode state: %w", err)
		}
		next, err := fn(&s)
		if err != nil {
			return err
		}
		data, err := json.Marshal(&s)
		if err != nil {
			return fmt.Errorf("flows: encode state: %w", err)
		}
		f.Step, f.Data = next, data
		if end := e.now().Add(e.finished); slices.Contains(FinalSteps, next) && end.Before(f.ExpiresAt) {
			f.ExpiresAt = end
		}
		return nil
	}
}

// Binding names flow f at its current version, for web.CSRF: a form's token
// is good for the step it was rendered at and no other.
func Binding(f store.Flow) string { return f.ID + "/" + strconv.FormatInt(f.Version, 10) }
