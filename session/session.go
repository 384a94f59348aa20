package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// valueKey holds the session as compact JSON: gob's type information for a
// struct would take hundreds of bytes of the 4 KB a browser keeps.
const valueKey = "s"

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

// clockSlack is how far apart the host clocks of replicas may be for the
// session cookie's timestamp, which each host checks by its own clock; the
// session's lifetime itself is judged by Options.Now (the store's clock).
// A sign-in in progress is bounded by PendingLifetime on the host's clock
// alone.
const clockSlack = 5 * time.Minute

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
		// The cookie's own expiry, by Options.Now, is checked below;
		// securecookie's timestamp check, by this host's clock, is kept as a
		// bound on an old cookie's age, with room for replicas whose clocks
		// are minutes apart.
		sc.MaxAge(int((o.Lifetime + clockSlack).Seconds()))
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
	s.Expires = m.now().Add(m.lifetime)
	st := stored{User: storedUser(s.User), AuthTime: s.AuthTime.Unix(), Expires: s.Expires.Unix(), Protocol: s.Protocol, IDToken: s.IDToken}
	encoded, err := m.encode(st)
	if st.IDToken != "" && (err != nil || len(m.name)+len(encoded) > maxCookie) {
		// A large ID token (many claims) would make browsers drop the
		// cookie: keep the session without it; the IdP's sign-out then asks
		// the user to confirm instead of trusting the hint.
		st.IDToken = ""
		encoded, err = m.encode(st)
	}
	if err != nil {
		return err
	}
	if len(m.name)+len(encoded) > maxCookie {
		return fmt.Errorf("session: the cookie would be %d bytes, more than browsers keep", len(encoded))
	}
	opts := *m.store.Options
	http.SetCookie(w, sessions.NewCookie(m.name, encoded, &opts))
	return nil
}

// maxCookie is what a session cookie may take of the 4096 bytes browsers
// keep for a cookie's name, value and attributes.
const maxCookie = 3900

// encode is what gorilla's CookieStore.Save writes: the values, serialised,
// encrypted and authenticated by the first key.
func (m *Manager) encode(st stored) (string, error) {
	b, err := json.Marshal(st)
	if err != nil {
		return "", fmt.Errorf("session: %w", err)
	}
	sess := sessions.NewSession(m.store, m.name)
	sess.Values[valueKey] = string(b)
	enc, err := securecookie.EncodeMulti(m.name, sess.Values, m.codecs...)
	if err != nil {
		return "", fmt.Errorf("session: %w", err)
	}
	return enc, nil
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
	raw, ok := values[valueKey].(string)
	var st stored
	if !ok || json.Unmarshal([]byte(raw), &st) != nil {
		return Session{}, false
	}
	s := Session{User: st.User.user(), AuthTime: time.Unix(st.AuthTime, 0), Expires: time.Unix(st.Expires, 0), Protocol: st.Protocol, IDToken: st.IDToken}
	if s.User.ID == "" || !m.now().Before(s.Expires) {
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

// stored is a Session as the cookie holds it: short keys, times in seconds.
type stored struct {
	User     user   `json:"u"`
	AuthTime int64  `json:"a"`
	Expires  int64  `json:"e"`
	Protocol string `json:"p,omitempty"`
	IDToken  string `json:"t,omitempty"`
}

// user is the part of an idp.User a session keeps: who it is and where to
// write to them; state (locks, groups) is read from the directory when it matters.
type user struct {
	ID          string   `json:"i"`
	DN          string   `json:"d,omitempty"`
	Login       string   `json:"l"`
	DisplayName string   `json:"n,omitempty"`
	GivenName   string   `json:"g,omitempty"`
	Surname     string   `json:"s,omitempty"`
	Emails      []string `json:"m,omitempty"`
	Mobile      string   `json:"o,omitempty"`
	Phone       string   `json:"h,omitempty"`
	Privileged  bool     `json:"v,omitempty"`
}

func storedUser(u idp.User) user {
	return user{ID: u.ID, DN: u.DN, Login: u.Login, DisplayName: u.DisplayName, GivenName: u.GivenName, Surname: u.Surname,
		Emails: u.Emails, Mobile: u.Mobile, Phone: u.Phone, Privileged: u.Privileged}
}

func (u user) user() idp.User {
	return idp.User{ID: u.ID, DN: u.DN, Login: u.Login, DisplayName: u.DisplayName, GivenName: u.GivenName, Surname: u.Surname,
		Emails: u.Emails, Mobile: u.Mobile, Phone: u.Phone, Privileged: u.Privileged}
}
