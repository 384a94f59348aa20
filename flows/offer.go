package flows

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// A flow's first page is shown to anyone who asks, many times a second if
// they like; storing a flow for each would let bare GETs fill the store. So
// a new flow is first only offered: its state (the CAPTCHA, the page to
// return to) travels in its cookie, sealed (encrypted and authenticated
// with the engine's key), and the store holds nothing until the first form
// comes back, when Keep stores it. An offer is kept once.

// offerPrefix marks a cookie value that carries an offer, not a flow's handle.
const offerPrefix = "o."

// maxOfferCookie bounds a sealed offer: browsers keep a cookie's name and
// value up to 4096 bytes.
const maxOfferCookie = 4000

// ErrOfferTooLarge means an offer's state does not fit in a cookie; the
// caller offers less (a shorter page to return to).
var ErrOfferTooLarge = errors.New("flows: the offered state does not fit in a cookie")

// offer is what an offer's cookie carries.
type offer struct {
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	Step    string          `json:"step"`
	Data    json.RawMessage `json:"data"`
	Created time.Time       `json:"created"`
	Expires time.Time       `json:"expires"`
}

// Offer returns a new flow of kind at step with state s without storing it:
// its cookie carries it sealed. The flow's Version is 0 (see IsOffer) and
// its ID names the offer only; Keep stores it under a handle of its own.
func (e *Engine) Offer(w http.ResponseWriter, kind, step string, s any) (store.Flow, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return store.Flow{}, fmt.Errorf("flows: encode state: %w", err)
	}
	now := e.now()
	o := offer{ID: store.NewID(), Kind: kind, Step: step, Data: data, Created: now, Expires: now.Add(e.ttl)}
	value, err := e.seal(o)
	if err != nil {
		return store.Flow{}, err
	}
	if len(value) > maxOfferCookie {
		return store.Flow{}, ErrOfferTooLarge
	}
	http.SetCookie(w, e.cookie(kind, value, o.Expires))
	return o.flow(), nil
}

// IsOffer reports whether f is an offered flow, not yet stored.
func IsOffer(f store.Flow) bool { return f.Version == 0 }

// Keep stores the offered flow f (as Load returned it, with its state now
// s) under the key of a new handle and sets that handle's cookie; a flow already
// stored is returned as it is. The first Keep of an offer wins: a second
// (the same cookie sent again) is ErrNoFlow, so that one CAPTCHA answered
// does not open many flows.
func (e *Engine) Keep(ctx context.Context, w http.ResponseWriter, f store.Flow) (store.Flow, error) {
	if !IsOffer(f) {
		return f, nil
	}
	if e.limits == nil {
		return store.Flow{}, errors.New("flows: the engine has no limits to keep offers once")
	}
	ok, _, _, err := e.limits.Hit(ctx, "flow-offer:"+f.ID, e.ttl, 1)
	if err != nil {
		return store.Flow{}, fmt.Errorf("flows: keep: %w", err)
	}
	if !ok || !e.now().Before(f.ExpiresAt) {
		return store.Flow{}, ErrNoFlow
	}
	handle := store.NewID()
	f.ID, f.Version = StoreKey(handle), 1
	if err := e.flows.Create(ctx, f); err != nil {
		return store.Flow{}, fmt.Errorf("flows: keep: %w", err)
	}
	http.SetCookie(w, e.cookie(f.Kind, handle, f.ExpiresAt))
	return f, nil
}

// Peek returns the flow of kind that a cookie value names, stored or
// offered, with its state decoded into s: Load without a request.
func (e *Engine) Peek(ctx context.Context, kind, value string, s any) (store.Flow, error) {
	switch {
	case strings.HasPrefix(value, offerPrefix) && len(value) <= maxOfferCookie:
		o, ok := e.unseal(value, kind)
		if !ok || !e.now().Before(o.Expires) {
			return store.Flow{}, ErrNoFlow
		}
		return decoded(o.flow(), s)
	case value == "" || len(value) > 64:
		return store.Flow{}, ErrNoFlow
	}
	return e.Reload(ctx, kind, StoreKey(value), s)
}

// Reload returns stored flow id (a flow's ID, its store key: not a cookie
// value) of kind, with its state decoded into s.
func (e *Engine) Reload(ctx context.Context, kind, id string, s any) (store.Flow, error) {
	f, err := e.flows.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && f.Kind != kind) {
		return store.Flow{}, ErrNoFlow
	}
	if err != nil {
		return store.Flow{}, fmt.Errorf("flows: load: %w", err)
	}
	return decoded(f, s)
}

// decoded returns f with its state decoded into s.
func decoded(f store.Flow, s any) (store.Flow, error) {
	if err := json.Unmarshal(f.Data, s); err != nil {
		return store.Flow{}, fmt.Errorf("flows: decode state: %w", err)
	}
	return f, nil
}

func (o offer) flow() store.Flow {
	return store.Flow{ID: o.ID, Kind: o.Kind, Step: o.Step, Data: o.Data, CreatedAt: o.Created, ExpiresAt: o.Expires}
}

// aead is the cipher that seals offers, keyed from the engine's secret.
func (e *Engine) aead() (cipher.AEAD, error) {
	m := hmac.New(sha256.New, e.secret)
	m.Write([]byte("frontdoor flow offer"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("flows: offer key: %w", err)
	}
	return cipher.NewGCM(block)
}

func (e *Engine) seal(o offer) (string, error) {
	plain, err := json.Marshal(o)
	if err != nil {
		return "", fmt.Errorf("flows: encode offer: %w", err)
	}
	a, err := e.aead()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, a.NonceSize())
	_, _ = rand.Read(nonce)
	sealed := a.Seal(nonce, nonce, plain, []byte(o.Kind))
	return offerPrefix + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// unseal opens an offer sealed for kind (the kind is the seal's additional
// data, so an offer of one flow is no offer of another).
func (e *Engine) unseal(value, kind string) (offer, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(value, offerPrefix))
	a, aerr := e.aead()
	if err != nil || aerr != nil || len(raw) < a.NonceSize() {
		return offer{}, false
	}
	plain, err := a.Open(nil, raw[:a.NonceSize()], raw[a.NonceSize():], []byte(kind))
	var o offer
	if err != nil || json.Unmarshal(plain, &o) != nil || o.Kind != kind {
		return offer{}, false
	}
	return o, true
}
