package signin_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/signin"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/idp/idptest"
	"github.com/frontdoor-sspr/frontdoor/session"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// provider is an idp.SignIn double: Start records the request, Finish
// returns what the test set.
type provider struct {
	started idp.SignInRequest
	id      idp.Identity
	err     error
	signOut string
}

func (p *provider) Start(w http.ResponseWriter, r *http.Request, req idp.SignInRequest) error {
	p.started = req
	http.Redirect(w, r, "https://idp.test/auth", http.StatusSeeOther)
	return nil
}

func (p *provider) Finish(w http.ResponseWriter, r *http.Request) (idp.Identity, error) {
	return p.id, p.err
}

func (p *provider) SignOutURL(id idp.Identity, after string) string {
	if p.signOut == "" {
		return ""
	}
	return p.signOut + "?after=" + url.QueryEscape(after)
}

type env struct {
	p    *provider
	m    *session.Manager
	h    http.Handler
	csrf *web.CSRF
	dir  *idptest.Memory
}

func newEnv(t *testing.T) *env { return newEnvMatching(t, "") }

func newEnvMatching(t *testing.T, claimMatches string) *env {
	tpl, err := templates.New(templates.Options{Prefix: "/.frontdoor/"})
	if err != nil {
		t.Fatal(err)
	}
	csrf, _ := web.NewCSRF(bytes.Repeat([]byte("c"), 32), false)
	m, _ := session.New(session.Options{Keys: [][]byte{bytes.Repeat([]byte("k"), 32)}})
	dir := idptest.NewMemory()
	dir.Add(idp.User{ID: "id-alice", Login: "alice", Emails: []string{"alice@example.org"}}, "pw")
	dir.Add(idp.User{ID: "id-off", Login: "off", Disabled: true}, "pw")
	// bob's mail is a name another IdP user could have picked.
	dir.Add(idp.User{ID: "id-bob", Login: "bob", Emails: []string{"boss"}}, "pw")
	e := &env{p: &provider{}, m: m, csrf: csrf, dir: dir}
	mux := http.NewServeMux()
	signin.New(signin.Options{Prefix: "/.frontdoor/", PublicURL: "http://fd.test", Protocol: "oidc", MaxAge: 5 * time.Minute, Home: "/.frontdoor/change", ClaimMatches: claimMatches},
		signin.Deps{Provider: e.p, Sessions: m, Directory: dir, Pages: &web.Pages{Templates: tpl}, CSRF: csrf}).Register(mux)
	e.h = mux
	return e
}

func (e *env) do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

func TestStart(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		query, returnTo string
		maxAge          time.Duration
		status          int
	}{
		{"return_to=%2F.frontdoor%2Fregister", "/.frontdoor/register", 0, 303},
		{"return_to=https%3A%2F%2Fevil.example%2F", "/.frontdoor/change", 0, 303},
		{"return_to=%2F%2Fevil.example%2F.frontdoor%2F", "/.frontdoor/change", 0, 303},
		{"return_to=%2Fapp", "/.frontdoor/change", 0, 303},
		{"return_to=%2F.frontdoor%2Fsignin%2Fcallback", "/.frontdoor/change", 0, 303},
		{"max_age=60", "/.frontdoor/change", time.Minute, 303},
		{"max_age=86400", "/.frontdoor/change", 5 * time.Minute, 303},
		{"max_age=-1", "", 0, 400},
	}
	for _, tc := range cases {
		e.p.started = idp.SignInRequest{}
		w := e.do(httptest.NewRequest("GET", "/.frontdoor/signin?"+tc.query, nil))
		if w.Code != tc.status || e.p.started.ReturnTo != tc.returnTo || e.p.started.MaxAge != tc.maxAge {
			t.Errorf("%s: %d, started %+v", tc.query, w.Code, e.p.started)
		}
	}
}

func TestCallback(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name     string
		id       idp.Identity
		err      error
		status   int
		location string
		session  bool
	}{
		{"ok", idp.Identity{Login: "alice", AuthTime: time.Now(), ReturnTo: "/.frontdoor/register"}, nil, 303, "/.frontdoor/register", true},
		{"refused", idp.Identity{}, fmt.Errorf("%w: nonce", idp.ErrSignIn), 403, "", false},
		{"unknown user", idp.Identity{Login: "mallory"}, nil, 403, "", false},
		{"disabled", idp.Identity{Login: "off"}, nil, 403, "", false},
		{"IdP down", idp.Identity{}, fmt.Errorf("%w: x", idp.ErrUnavailable), 503, "", false},
		{"silent, no IdP session", idp.Identity{Silent: true, ReturnTo: "/.frontdoor/required?continue=%2Fapp"}, fmt.Errorf("%w: login_required", idp.ErrSignIn), 303, "/.frontdoor/required?continue=%2Fapp&silent=failed", false},
		{"silent, unknown user", idp.Identity{Silent: true, Login: "mallory", ReturnTo: "/.frontdoor/required"}, nil, 303, "/.frontdoor/required?silent=failed", false},
		{"login in another case", idp.Identity{Login: "ALICE", AuthTime: time.Now()}, nil, 303, "/.frontdoor/change", true},
		{"IdP name equal to another account's mail", idp.Identity{Login: "boss", AuthTime: time.Now()}, nil, 403, "", false},
		{"mail when the login must match", idp.Identity{Login: "alice@example.org", AuthTime: time.Now()}, nil, 403, "", false},
		{"silent, another account's mail", idp.Identity{Silent: true, Login: "boss", ReturnTo: "/.frontdoor/required"}, nil, 303, "/.frontdoor/required?silent=failed", false},
	}
	for _, tc := range cases {
		e.p.id, e.p.err = tc.id, tc.err
		w := e.do(httptest.NewRequest("GET", "/.frontdoor/signin/callback?code=x&state=y", nil))
		got := false
		for _, c := range w.Result().Cookies() {
			got = got || (c.Name == e.m.CookieName() && c.MaxAge >= 0)
		}
		if w.Code != tc.status || w.Header().Get("Location") != tc.location || got != tc.session {
			t.Errorf("%s: %d to %q, session %v", tc.name, w.Code, w.Header().Get("Location"), got)
		}
	}
}

// TestCallbackClaimMatchesMail: with claim_matches mail, the IdP's name must
// be one of the account's addresses; its login name alone is refused.
func TestCallbackClaimMatchesMail(t *testing.T) {
	e := newEnvMatching(t, "mail")
	for _, tc := range []struct {
		login  string
		status int
	}{
		{"alice@example.org", 303},
		{"Alice@Example.org", 303},
		{"alice", 403},
		{"boss", 303}, // bob's address, as his directory entry says
	} {
		e.p.id, e.p.err = idp.Identity{Login: tc.login, AuthTime: time.Now()}, nil
		if w := e.do(httptest.NewRequest("GET", "/.frontdoor/signin/callback?code=x&state=y", nil)); w.Code != tc.status {
			t.Errorf("%s: %d, want %d", tc.login, w.Code, tc.status)
		}
	}
}

func TestSignOut(t *testing.T) {
	e := newEnv(t)
	e.p.signOut = "https://idp.test/logout"
	// A session, and a token of the signed-in page's binding.
	w := httptest.NewRecorder()
	u := idp.User{ID: "id-alice", Login: "alice"}
	if err := e.m.SignIn(w, httptest.NewRequest("GET", "/", nil), session.Session{User: u, AuthTime: time.Now(), IDToken: "tok"}); err != nil {
		t.Fatal(err)
	}
	sess := w.Result().Cookies()[0]
	tw := httptest.NewRecorder()
	token := e.csrf.Token(tw, httptest.NewRequest("GET", "/", nil), signin.Binding(u))
	browser := tw.Result().Cookies()[0]
	post := func(tok string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/.frontdoor/signout", strings.NewReader(url.Values{templates.CSRFField: {tok}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.AddCookie(sess)
		r.AddCookie(browser)
		return e.do(r)
	}
	if w := post("forged"); w.Code != http.StatusForbidden {
		t.Errorf("forged token: %d", w.Code)
	}
	w = post(token)
	idpURL := "https://idp.test/logout?after=" + url.QueryEscape("http://fd.test/.frontdoor/signedout")
	if w.Code != 200 || w.Header().Get("Refresh") != "0; url="+idpURL || w.Header().Get("Location") != "" {
		t.Errorf("sign-out: %d, Refresh %q", w.Code, w.Header().Get("Refresh"))
	}
	cleared := false
	for _, c := range w.Result().Cookies() {
		cleared = cleared || (c.Name == e.m.CookieName() && c.MaxAge < 0)
	}
	if !cleared {
		t.Error("the session cookie was not cleared")
	}
}

// TestClaimNamesFoldsAsTheDirectory: a name in fullwidth letters or another
// case, as an LDAP directory finds the account by, still names it.
func TestClaimNamesFoldsAsTheDirectory(t *testing.T) {
	for _, tc := range []struct {
		mode, claim string
		want        bool
	}{
		{"login", "ＡＬＩＣＥ", true},
		{"login", " alice ", true},
		{"login", "alice@example.org", false},
		{"mail", "ＡＬＩＣＥ@example.org", true},
		{"mail", "alice", false},
	} {
		u := idp.User{Login: "alice", Emails: []string{"alice@example.org"}}
		if got := signin.ClaimNames(tc.mode, tc.claim, u); got != tc.want {
			t.Errorf("%s %q: %v, want %v", tc.mode, tc.claim, got, tc.want)
		}
	}
}
