package session

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"
)

// PendingLifetime bounds a sign-in in progress: the time between leaving for
// the IdP and coming back.
const PendingLifetime = 10 * time.Minute

// ErrNoPending means the browser brought back no valid sign-in in progress:
// none started here, it expired, it was used already, or it was tampered with.
var ErrNoPending = errors.New("session: no sign-in in progress in this browser")

// Pending keeps a sign-in in progress (state, nonce, PKCE verifier, request
// IDs, the page to return to) in a short-lived encrypted cookie, so that the
// answer from the IdP is accepted only in the browser that started it. Take
// removes it: a value serves once.
type Pending struct {
	codecs []securecookie.Codec
	secure bool
	// crossSite: the IdP comes back with a cross-site POST (SAML's
	// HTTP-POST binding), which a SameSite=Lax cookie would not join.
	crossSite bool
	name      string
}

// Pending returns the pending-sign-in cookie of name. crossSite is for an IdP
// that answers with a cross-site POST (SAML): the cookie is then
// SameSite=None, which browsers accept only with Secure, so over plain http
// (tests on loopback, where the IdP is same-site anyway) it stays Lax.
func (m *Manager) Pending(name string, crossSite bool) *Pending {
	if m.secure {
		name = "__Host-" + name
	}
	return &Pending{codecs: m.pendingCodecs, secure: m.secure, crossSite: crossSite, name: name}
}

// CookieName is the pending cookie's name.
func (p *Pending) CookieName() string { return p.name }

func (p *Pending) cookie(value string, maxAge int) *http.Cookie {
	c := &http.Cookie{Name: p.name, Value: value, Path: "/", MaxAge: maxAge, Secure: p.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if p.crossSite && p.secure {
		c.SameSite = http.SameSiteNoneMode
	}
	if maxAge > 0 {
		c.Expires = time.Now().Add(time.Duration(maxAge) * time.Second)
	}
	return c
}

// Put stores v (JSON) in the browser.
func (p *Pending) Put(w http.ResponseWriter, v any) error {
	enc, err := securecookie.EncodeMulti(p.name, v, p.codecs...)
	if err != nil {
		return fmt.Errorf("session: pending: %w", err)
	}
	http.SetCookie(w, p.cookie(enc, int(PendingLifetime.Seconds())))
	return nil
}

// Cookie returns the cookie that Put would set, for a response built
// elsewhere (a proxied answer's headers).
func (p *Pending) Cookie(v any) (*http.Cookie, error) {
	enc, err := securecookie.EncodeMulti(p.name, v, p.codecs...)
	if err != nil {
		return nil, fmt.Errorf("session: pending: %w", err)
	}
	return p.cookie(enc, int(PendingLifetime.Seconds())), nil
}

// Take reads v back and removes the cookie. It fails with ErrNoPending.
func (p *Pending) Take(w http.ResponseWriter, r *http.Request, v any) error {
	c, err := r.Cookie(p.name)
	if err != nil || c.Value == "" {
		return ErrNoPending
	}
	http.SetCookie(w, p.cookie("", -1))
	if err := securecookie.DecodeMulti(p.name, c.Value, v, p.codecs...); err != nil {
		return fmt.Errorf("%w: %w", ErrNoPending, err)
	}
	return nil
}
