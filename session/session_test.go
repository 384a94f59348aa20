package session

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

var (
	keyA = bytes.Repeat([]byte("a"), 32)
	keyB = bytes.Repeat([]byte("b"), 32)
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func manager(t *testing.T, c *clock, keys ...[]byte) *Manager {
	t.Helper()
	m, err := New(Options{Keys: keys, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// signIn returns the Set-Cookie of a fresh session for alice.
func signIn(t *testing.T, m *Manager, authTime time.Time) *http.Cookie {
	t.Helper()
	w := httptest.NewRecorder()
	u := idp.User{ID: "id-alice", Login: "alice", Emails: []string{"alice@example.test"}, Groups: []string{"cn=g"}}
	if err := m.SignIn(w, httptest.NewRequest("GET", "/", nil), Session{User: u, AuthTime: authTime, Protocol: "oidc"}); err != nil {
		t.Fatal(err)
	}
	cs := w.Result().Cookies()
	if len(cs) != 1 {
		t.Fatalf("SignIn set %d cookies", len(cs))
	}
	return cs[0]
}

func with(c *http.Cookie) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	return r
}

func TestSessionCookie(t *testing.T) {
	c := &clock{time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	m := manager(t, c, keyA)
	ck := signIn(t, m, c.t.Add(-time.Minute))
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" || ck.MaxAge != 900 {
		t.Errorf("cookie attributes: %+v", ck)
	}
	u, at, ok := m.Current(with(ck))
	if !ok || u.Login != "alice" || !at.Equal(c.t.Add(-time.Minute)) || u.Groups != nil {
		t.Fatalf("Current = %+v, %v, %v", u, at, ok)
	}
	secure, _ := New(Options{Keys: [][]byte{keyA}, Secure: true})
	sc := signIn(t, secure, time.Now())
	if !sc.Secure || sc.Name != "__Host-frontdoor-session" {
		t.Errorf("https cookie: %+v", sc)
	}

	// Tampered: every byte flip in the value fails.
	// (Not the last characters: their low bits may be base64 padding bits,
	// which decode to the same bytes.)
	for _, i := range []int{0, len(ck.Value) / 2, len(ck.Value) * 3 / 4} {
		b := []byte(ck.Value)
		b[i] ^= 1
		if _, _, ok := m.Current(with(&http.Cookie{Name: ck.Name, Value: string(b)})); ok {
			t.Errorf("a cookie changed at byte %d was accepted", i)
		}
	}
	// Expired: the session ends a lifetime after the sign-in, whatever the cookie says.
	c.t = c.t.Add(DefaultLifetime)
	if _, _, ok := m.Current(with(ck)); ok {
		t.Error("an expired session was accepted")
	}
}

func TestKeyRotation(t *testing.T) {
	c := &clock{time.Now()}
	old := signIn(t, manager(t, c, keyA), c.t)
	rotated := manager(t, c, keyB, keyA) // new key first, old one still read
	if _, _, ok := rotated.Current(with(old)); !ok {
		t.Fatal("a cookie of the older key was refused while the key is still configured")
	}
	fresh := signIn(t, rotated, c.t)
	if _, _, ok := manager(t, c, keyA).Current(with(fresh)); ok {
		t.Error("the newest key did not write the new cookie")
	}
	retired := manager(t, c, keyB) // the old key removed
	if _, _, ok := retired.Current(with(old)); ok {
		t.Error("a cookie of a removed key was accepted")
	}
	if _, _, ok := retired.Current(with(fresh)); !ok {
		t.Error("a cookie of the current key was refused")
	}
	if _, err := New(Options{Keys: [][]byte{[]byte("short")}}); err == nil {
		t.Error("a short key was accepted")
	}
}

func TestSignOut(t *testing.T) {
	c := &clock{time.Now()}
	m := manager(t, c, keyA)
	w := httptest.NewRecorder()
	m.SignOut(w, httptest.NewRequest("GET", "/", nil))
	cs := w.Result().Cookies()
	if len(cs) != 1 || cs[0].Name != m.CookieName() || cs[0].MaxAge >= 0 || cs[0].Value != "" {
		t.Fatalf("SignOut cookies = %+v", cs)
	}
}

func TestRequireRecent(t *testing.T) {
	c := &clock{time.Now()}
	m := manager(t, c, keyA)
	h := m.RequireRecent(5*time.Minute, "/.frontdoor/signin")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	cases := []struct {
		name     string
		cookie   *http.Cookie
		wantCode int
		maxAge   string
	}{
		{"none", nil, http.StatusSeeOther, ""},
		{"fresh", signIn(t, m, c.t.Add(-time.Minute)), http.StatusTeapot, ""},
		{"stale", signIn(t, m, c.t.Add(-10*time.Minute)), http.StatusSeeOther, "300"},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("GET", "/.frontdoor/change", nil)
		if tc.cookie != nil {
			r = with(tc.cookie)
			r.URL.Path = "/.frontdoor/change"
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.wantCode {
			t.Errorf("%s: status %d, want %d", tc.name, w.Code, tc.wantCode)
			continue
		}
		if tc.wantCode != http.StatusSeeOther {
			continue
		}
		loc, _ := url.Parse(w.Header().Get("Location"))
		if loc.Path != "/.frontdoor/signin" || loc.Query().Get("return_to") != "/.frontdoor/change" || loc.Query().Get("max_age") != tc.maxAge {
			t.Errorf("%s: redirected to %s", tc.name, loc)
		}
	}
}

// A form posted with a stale session is sent to sign in by a refresh, not a
// redirect, which the page's CSP (form-action 'self') would block.
func TestRequireRecentPost(t *testing.T) {
	c := &clock{time.Now()}
	m := manager(t, c, keyA)
	h := m.RequireRecent(5*time.Minute, "/.frontdoor/signin")(http.NotFoundHandler())
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/.frontdoor/change", nil))
	if w.Code != http.StatusUnauthorized || w.Header().Get("Refresh") != "0; url=/.frontdoor/signin?return_to=%2F.frontdoor%2Fchange" || w.Header().Get("Location") != "" {
		t.Errorf("stale POST: %d, Refresh %q", w.Code, w.Header().Get("Refresh"))
	}
}

func TestPendingSingleUse(t *testing.T) {
	c := &clock{time.Now()}
	m := manager(t, c, keyA)
	p := m.Pending("frontdoor-oidc", false)
	w := httptest.NewRecorder()
	type state struct{ State, Nonce string }
	if err := p.Put(w, state{"s1", "n1"}); err != nil {
		t.Fatal(err)
	}
	ck := w.Result().Cookies()[0]
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("pending cookie: %+v", ck)
	}
	w = httptest.NewRecorder()
	var got state
	if err := p.Take(w, with(ck), &got); err != nil || got.State != "s1" {
		t.Fatalf("Take = %+v, %v", got, err)
	}
	if cs := w.Result().Cookies(); len(cs) != 1 || cs[0].MaxAge >= 0 {
		t.Errorf("Take did not remove the cookie: %+v", cs)
	}
	bad := *ck
	bad.Value = strings.Replace(bad.Value, bad.Value[5:6], "A", 1)
	if err := p.Take(httptest.NewRecorder(), with(&bad), &got); err == nil && bad.Value != ck.Value {
		t.Error("a tampered pending cookie was accepted")
	}
	if err := m.Pending("other", false).Take(httptest.NewRecorder(), with(ck), &got); err == nil {
		t.Error("the cookie of one pending name was read under another")
	}
	secure, _ := New(Options{Keys: [][]byte{keyA}, Secure: true})
	w = httptest.NewRecorder()
	_ = secure.Pending("frontdoor-saml", true).Put(w, state{})
	if sc := w.Result().Cookies()[0]; sc.SameSite != http.SameSiteNoneMode || !sc.Secure || sc.Name != "__Host-frontdoor-saml" {
		t.Errorf("cross-site pending cookie over https: %+v", sc)
	}
}

// A session whose ID token would make the cookie too big for browsers keeps
// the account and drops the token.
func TestLargeIDTokenDropped(t *testing.T) {
	m := manager(t, &clock{time.Now()}, keyA)
	for _, tc := range []struct {
		token string
		kept  bool
	}{{strings.Repeat("t", 1000), true}, {strings.Repeat("t", 4000), false}} {
		w := httptest.NewRecorder()
		if err := m.SignIn(w, httptest.NewRequest("GET", "/", nil), Session{User: idp.User{ID: "i", Login: "l"}, AuthTime: time.Now(), IDToken: tc.token}); err != nil {
			t.Fatal(err)
		}
		ck := w.Result().Cookies()[0]
		s, ok := m.Get(with(ck))
		if !ok || s.User.Login != "l" || (s.IDToken != "") != tc.kept || len(ck.Value) > maxCookie {
			t.Errorf("token of %d: session %v %v, token kept %v, cookie %d bytes", len(tc.token), ok, s.User, s.IDToken != "", len(ck.Value))
		}
	}
}
