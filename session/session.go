package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

const valueKey = "session"

func init() { gob.Register(Session{}) }

// DefaultLifetime is how long a session lasts when the configuration says nothing.
const DefaultLifetime = 15 * time.Minute

// Options configure a Manager.
type Options struct {
	// Keys are the configured keys, newest first; each at least 32 bytes.
	Keys [][]byte
	// Lifetime is how long a session lasts after the sign-in; DefaultLifetime when zero.
	Lifetime time.Duration
	// Secure marks the cookies Secure (and names them __Host-...): frontdoor
	// is reached over https.
	Secure bool
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Manager reads and writes the session cookie.
type Manager struct {
	store  *sessions.CookieStore
	codecs []securecookie.Codec
	// pendingCodecs protect the sign-in in progress (JSON, keys of their own).
	pendingCodecs []securecookie.Codec
	lifetime      time.Duration
	secure        bool
	name          string
	now           func() time.Time
}

// Session is what the cookie holds: the account and when it signed in.
type Session struct {
	User idp.User `json:"user"`
	// AuthTime is when the user last typed their credentials at the IdP
	// (the ID token's auth_time, the assertion's AuthnInstant).
	AuthTime time.Time `json:"auth_time"`
	// Expires is the end of the session (sign-in plus the lifetime).
	Expires time.Time `json:"expires"`
	// Protocol is oidc or saml; IDToken is the OIDC ID token, kept as the
	// id_token_hint of an RP-initiated sign-out.
	Protocol string `json:"protocol,omitempty"`
	IDToken  string `json:"id_token,omitempty"`
}

// New returns a Manager for o.
func New(o Options) (*Manager, error) {
	if len(o.Keys) == 0 {
		return nil, errors.New("session: no keys")
	}
	pairs := make([][]byte, 0, 2*len(o.Keys))
	for i, k := range o.Keys {
		if len(k) < 32 {
			return nil, fmt.Errorf("session: key %d is shorter than 32 bytes", i)
		}
		pairs = append(pairs, derive(k, "frontdoor session hash v1"), derive(k, "frontdoor session block v1")[:32])
	}
	if o.Lifetime <= 0 {
		o.Lifetime = DefaultLifetime
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	codecs := securecookie.CodecsFromPairs(pairs...)
	for _, c := range codecs {
		sc := c.(*securecookie.SecureCookie)
		// The cookie's own expiry is checked below; securecookie's timestamp
		// check is kept as a bound on an old cookie's age.
		sc.MaxAge(int(o.Lifetime.Seconds()) + 60)
	}
	pending := make([][]byte, 0, len(pairs))
	for _, k := range o.Keys {
		pending = append(pending, derive(k, "frontdoor pending sign-in hash v1"), derive(k, "frontdoor pending sign-in block v1"))
	}
	pcodecs := securecookie.CodecsFromPairs(pending...)
	for _, c := range pcodecs {
		c.(*securecookie.SecureCookie).SetSerializer(securecookie.JSONEncoder{}).MaxAge(int(PendingLifetime.Seconds()))
	}
	st := &sessions.CookieStore{Codecs: codecs, Options: &sessions.Options{
		Path: "/", MaxAge: int(o.Lifetime.Seconds()), Secure: o.Secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	}}
	name := "frontdoor-session"
	if o.Secure {
		name = "__Host-frontdoor-session"
	}
	return &Manager{store: st, codecs: codecs, pendingCodecs: pcodecs, lifetime: o.Lifetime, secure: o.Secure, name: name, now: o.Now}, nil
}

// derive makes a purpose-bound key from a configured key.
func derive(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// CookieName is the session cookie's name (the proxy keeps it from the upstream).
func (m *Manager) CookieName() string { return m.name }

// Lifetime is how long a session lasts.
func (m *Manager) Lifetime() time.Duration { return m.lifetime }

// SignIn starts a session for s.User, who authenticated at s.AuthTime.
func (m *Manager) SignIn(w http.ResponseWriter, r *http.Request, s Session) error {
	s.User.Groups = nil // may be long; decisions ask the directory
	s.Expires = m.now().Add(m.lifetime)
	sess := sessions.NewSession(m.store, m.name)
	opts := *m.store.Options
	sess.Options = &opts
	sess.Values[valueKey] = s
	if err := m.store.Save(r, w, sess); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	return nil
}

// SignOut removes the session cookie.
func (m *Manager) SignOut(w http.ResponseWriter, r *http.Request) {
	opts := *m.store.Options
	opts.MaxAge = -1
	http.SetCookie(w, sessions.NewCookie(m.name, "", &opts))
}

// Get returns the request's session: false when there is none, or when it
// was tampered with, written by a retired key, or has expired.
func (m *Manager) Get(r *http.Request) (Session, bool) {
	c, err := r.Cookie(m.name)
	if err != nil || c.Value == "" {
		return Session{}, false
	}
	values := map[any]any{}
	if err := securecookie.DecodeMulti(m.name, c.Value, &values, m.codecs...); err != nil {
		return Session{}, false
	}
	s, ok := values[valueKey].(Session)
	if !ok || s.User.ID == "" || !m.now().Before(s.Expires) {
		return Session{}, false
	}
	return s, true
}

// Current returns the signed-in user and when they authenticated, for the
// signed-in pages (flows/change, flows/register).
func (m *Manager) Current(r *http.Request) (idp.User, time.Time, bool) {
	s, ok := m.Get(r)
	return s.User, s.AuthTime, ok
}

// User is Current without the time: the seam func(*http.Request) (idp.User, bool).
func (m *Manager) User(r *http.Request) (idp.User, bool) {
	u, _, ok := m.Current(r)
	return u, ok
}
