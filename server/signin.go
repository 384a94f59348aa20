package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/change"
	"github.com/frontdoor-sspr/frontdoor/flows/signin"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/idp/oidc"
	"github.com/frontdoor-sspr/frontdoor/session"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// buildSessions makes the session manager when the signed-in pages are
// configured.
func (s *Server) buildSessions() error {
	if s.cfg.SignIn == nil {
		return nil
	}
	keys := make([][]byte, len(s.cfg.Sessions.Keys))
	for i, k := range s.cfg.Sessions.Keys {
		keys[i] = []byte(k)
	}
	m, err := session.New(session.Options{Keys: keys, Lifetime: s.cfg.Sessions.Lifetime.D(), Secure: isHTTPS(s.cfg.Server.PublicURL)})
	if err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	s.sessions = m
	return nil
}

// signInCookies are the signed-in pages' cookies, kept from the upstream.
func (s *Server) signInCookies() []string {
	if s.sessions == nil {
		return nil
	}
	return []string{s.sessions.CookieName(), s.pending().CookieName()}
}

func (s *Server) pending() *session.Pending {
	return s.sessions.Pending("frontdoor-"+s.cfg.SignIn.Protocol, s.cfg.SignIn.Protocol == "saml")
}

// signInRoutes mounts sign-in and the change pages.
func (s *Server) signInRoutes(auditLog *audit.Log) {
	cfg, prefix := s.cfg, s.cfg.Server.Prefix
	record := func(r *http.Request, e store.Event) { auditLog.Record(r, e) }
	if si := cfg.SignIn; si != nil {
		signin.New(signin.Options{Prefix: prefix, PublicURL: cfg.Server.PublicURL, Protocol: si.Protocol,
			MaxAge: si.MaxAge.D(), Home: prefix + "change"},
			signin.Deps{Provider: s.signInProvider(), Sessions: s.sessions, Directory: s.directory,
				Pages: s.pages, CSRF: s.csrf, Audit: record}).Register(s.own)
	}
	if c := cfg.Change; c != nil {
		var maxAge time.Duration
		if cfg.SignIn != nil {
			maxAge = cfg.SignIn.MaxAge.D()
		}
		change.New(change.Options{Prefix: prefix, PublicURL: cfg.Server.PublicURL, SignedIn: cfg.SignIn != nil, MaxAge: maxAge, Expired: c.Expired},
			change.Deps{Sessions: s.sessions, Directory: s.directory, Policy: s.policy, Pages: s.pages, CSRF: s.csrf,
				Limits: s.store.Limits(), ClientIP: s.clientIP, Audit: record, Changed: s.confirmChange}).Register(s.own)
	}
}

// once reports whether key is seen for the first time within the pending
// sign-in lifetime, in the store, so across replicas.
func (s *Server) once(ctx context.Context, key string) (bool, error) {
	ok, _, _, err := s.store.Limits().Hit(ctx, "once:"+key, session.PendingLifetime+time.Minute, 1)
	return ok, err
}

// signInProvider is the configured protocol, set up at its first use: the
// IdP may start after frontdoor (frontdoor fronts its sign-in page).
func (s *Server) signInProvider() idp.SignIn {
	si := s.cfg.SignIn
	l := &lazySignIn{}
	switch si.Protocol {
	case "oidc":
		o := si.OIDC
		l.open = func(ctx context.Context) (idp.SignIn, error) {
			client, err := httpClient(o.CAFile)
			if err != nil {
				return nil, err
			}
			return oidc.New(ctx, oidc.Config{Issuer: o.Issuer, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
				Scopes: o.Scopes, UserClaim: o.UserClaim, HTTPClient: client, State: s.pending(), Once: s.once,
				RedirectURL: s.cfg.Server.PublicURL + signin.CallbackPath(s.cfg.Server.Prefix, "oidc")})
		}
	}
	return l
}

// lazySignIn opens its provider at the first request, and again after a
// failure (the IdP unreachable at that moment).
type lazySignIn struct {
	open func(context.Context) (idp.SignIn, error)
	mu   sync.Mutex
	p    idp.SignIn
}

func (l *lazySignIn) get(ctx context.Context) (idp.SignIn, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.p != nil {
		return l.p, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p, err := l.open(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: sign-in provider: %w", idp.ErrUnavailable, err)
	}
	l.p = p
	return p, nil
}

func (l *lazySignIn) Start(w http.ResponseWriter, r *http.Request, req idp.SignInRequest) error {
	p, err := l.get(r.Context())
	if err != nil {
		return err
	}
	return p.Start(w, r, req)
}

func (l *lazySignIn) Finish(w http.ResponseWriter, r *http.Request) (idp.Identity, error) {
	p, err := l.get(r.Context())
	if err != nil {
		return idp.Identity{}, err
	}
	return p.Finish(w, r)
}

func (l *lazySignIn) SignOutURL(id idp.Identity, after string) string {
	l.mu.Lock()
	p := l.p
	l.mu.Unlock()
	if so, ok := p.(idp.SignOuter); ok {
		return so.SignOutURL(id, after)
	}
	return ""
}

// httpClient trusts caFile (PEM) when given, else the system roots.
func httpClient(caFile string) (*http.Client, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
		}
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: t, Timeout: 15 * time.Second}, nil
}

// confirmChange tells the user their password was changed, at every address
// on the account.
func (s *Server) confirmChange(r *http.Request, u idp.User) {
	if s.mail == nil {
		return
	}
	lang := s.templates.Lang(r)
	for _, to := range u.Emails {
		s.sendMail(to, "change_done", lang, struct{ Login, Time string }{u.Login, time.Now().UTC().Format("2006-01-02 15:04 MST")})
	}
}

// checkSignIn is what check adds for the signed-in pages.
func checkSignIn(cfg *config.Config, dir idp.Directory) config.Problems {
	var ps config.Problems
	if cfg.Change != nil && dir != nil {
		if _, ok := dir.(idp.PasswordChanger); !ok {
			ps = append(ps, config.Problem{Path: "directory.type", Message: fmt.Sprintf("the %s directory cannot change passwords with the current one, which the change pages need", cfg.Directory.Type)})
		}
	}
	if si := cfg.SignIn; si != nil && si.Protocol == "saml" {
		ps = append(ps, config.Problem{Path: "signin.protocol", Message: "saml is not available in this build yet"})
	}
	return ps
}
