package flowtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/register"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/registration"
)

// SessionCookie is the cookie of the Sessions double.
const SessionCookie = "test-session"

// Sessions is a test double of the sign-in package's sessions: a browser
// is signed in when its SessionCookie names a session, recently unless
// Stale was called for it.
type Sessions struct {
	mu    sync.Mutex
	users map[string]idp.User
	stale map[string]bool
}

// SignIn signs b in as u.
func (s *Sessions) SignIn(b *Browser, u idp.User) {
	id := rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users == nil {
		s.users, s.stale = map[string]idp.User{}, map[string]bool{}
	}
	s.users[id] = u
	b.SetCookie(SessionCookie, id)
}

// Stale makes b's sign-in old: changes need a new one.
func (s *Sessions) Stale(b *Browser) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stale[b.Cookie(SessionCookie)] = true
}

// Current implements register.Deps.Current.
func (s *Sessions) Current(r *http.Request) (idp.User, bool) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return idp.User{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[c.Value]
	return u, ok
}

// RequireRecent implements register.Deps.RequireRecent: without a recent
// sign-in it answers 401, where the real one sends the user to sign in.
func (s *Sessions) RequireRecent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		recent := false
		if c, err := r.Cookie(SessionCookie); err == nil {
			s.mu.Lock()
			_, ok := s.users[c.Value]
			recent = ok && !s.stale[c.Value]
			s.mu.Unlock()
		}
		if !recent {
			http.Error(w, "sign in again", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Notice is one security-info change notice handed over for sending.
type Notice struct {
	To     []string
	Change register.Change
}

// Text is one text message handed to the gateway.
type Text struct{ To, Body string }

// RegisterEnv is the "Security info" page mounted on an Env.
type RegisterEnv struct {
	*register.Flow
	Sessions      *Sessions
	Registrations *registration.Store
	// TextErr, when set, is what the text gateway answers.
	TextErr error

	mu      sync.Mutex
	notices []Notice
	texts   []Text
}

// Register mounts the "Security info" page with opt (Prefix filled in),
// the real encrypted registrations on the Env's store, Sessions as the
// sign-in, and texts and notices captured.
func (e *Env) Register(opt register.Options) *RegisterEnv {
	return e.registerWith(opt, nil)
}

// registerWith is Register with the methods' sections that enrol builds
// (nil for none) on the page's registrations (enrol.go).
func (e *Env) registerWith(opt register.Options, enrol func(methods.Env) register.Enrolments) *RegisterEnv {
	keys, err := registration.NewKeyring(registration.Key{ID: "test", Key: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		e.t.Fatal(err)
	}
	re := &RegisterEnv{Sessions: &Sessions{}, Registrations: &registration.Store{Regs: e.Store.Registrations(), Keys: keys}}
	opt.Prefix, opt.PublicURL = Prefix, PublicURL
	if opt.Now == nil {
		opt.Now = e.Clock.Now
	}
	re.Flow = register.New(opt, register.Deps{
		Engine: e.Engine, CSRF: e.csrf, Pages: e.pages, Audit: e.audit, Codes: e.Codes,
		Registrations: re.Registrations, Sealer: keys,
		Current: re.Sessions.Current, RequireRecent: re.Sessions.RequireRecent,
		SendEmailCode: func(_ *http.Request, to, code string, ttl time.Duration) {
			e.sendCode(methodsMessage(to, code, ttl))
		},
		SendText: func(_ context.Context, _, to, body string) error {
			re.mu.Lock()
			defer re.mu.Unlock()
			if re.TextErr != nil {
				return re.TextErr
			}
			re.texts = append(re.texts, Text{To: to, Body: body})
			return nil
		},
		NormalizePhone: NormalizePhone,
		Notify: func(_ *http.Request, _ idp.User, to []string, c register.Change) {
			re.mu.Lock()
			defer re.mu.Unlock()
			re.notices = append(re.notices, Notice{To: to, Change: c})
		},
	})
	if enrol != nil {
		re.Flow.Methods = enrol(methods.Env{Codes: e.Codes, Registrations: re.Registrations, Config: &config.Config{
			Server: config.Server{PublicURL: PublicURL, Prefix: Prefix}}})
	}
	re.Flow.Register(e.Mux)
	return re
}

// NormalizePhone is a stand-in for the phone package: "+" and 8 to 15
// digits, spaces and dashes dropped.
func NormalizePhone(raw string) (string, error) {
	n := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(raw)
	if len(n) < 9 || len(n) > 16 || n[0] != '+' || strings.Trim(n[1:], "0123456789") != "" {
		return "", errors.New("not an international number")
	}
	return n, nil
}

// Notices returns the change notices sent so far.
func (re *RegisterEnv) Notices() []Notice {
	re.mu.Lock()
	defer re.mu.Unlock()
	return append([]Notice(nil), re.notices...)
}

// Texts returns the text messages sent so far.
func (re *RegisterEnv) Texts() []Text {
	re.mu.Lock()
	defer re.mu.Unlock()
	return append([]Text(nil), re.texts...)
}

func methodsMessage(to, code string, ttl time.Duration) methods.EmailMessage {
	return methods.EmailMessage{To: to, Code: code, TTL: ttl}
}
