package server

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/change"
	"github.com/frontdoor-sspr/frontdoor/flows/report"
	"github.com/frontdoor-sspr/frontdoor/flows/required"
	"github.com/frontdoor-sspr/frontdoor/flows/signin"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/idp/oidc"
	samlsp "github.com/frontdoor-sspr/frontdoor/idp/saml"
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
	m, err := session.New(session.Options{Keys: keys, Lifetime: s.cfg.Sessions.Lifetime.D(), Secure: isHTTPS(s.cfg.Server.PublicURL), Now: s.now})
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
	return []string{s.sessions.CookieName(), s.pending().CookieName(), s.continueCookie().CookieName()}
}

func (s *Server) pending() *session.Pending {
	return s.sessions.Pending("frontdoor-"+s.cfg.SignIn.Protocol, s.cfg.SignIn.Protocol == "saml")
}

// remindLaterFor is how long "Remind me later" keeps the "More information
// required" page away (registration.remind_later).
const remindLaterFor = 24 * time.Hour

// signInRoutes mounts sign-in and the change pages.
func (s *Server) signInRoutes(auditLog *audit.Log) {
	cfg, prefix := s.cfg, s.cfg.Server.Prefix
	record := func(r *http.Request, e store.Event) { auditLog.Record(r, e) }
	if si := cfg.SignIn; si != nil {
		provider := s.signInProvider()
		var metadata http.Handler
		if si.Protocol == "saml" {
			metadata = s.samlMetadata(provider)
		}
		home := prefix + "register" // the security-info pages (flows/register)
		switch {
		case cfg.Change != nil:
			home = prefix + "change"
		case cfg.Registration == nil && len(cfg.Audit.Readers) > 0:
			home = prefix + "audit" // the only signed-in page
		}
		signin.New(signin.Options{Prefix: prefix, PublicURL: cfg.Server.PublicURL, Protocol: si.Protocol,
			MaxAge: si.MaxAge.D(), Home: home, ClaimMatches: si.ClaimMatches},
			signin.Deps{Provider: provider, Metadata: metadata, Sessions: s.sessions, Directory: s.directory,
				Pages: s.pages, CSRF: s.csrf, Audit: record}).Register(s.own)
		if rc := cfg.Registration; rc != nil {
			// The Security info page on the sign-in's session, and the
			// registration policy behind "More information required".
			s.mustRegister = s.mustRegisterHook()
			if rc.RemindLater {
				s.remindLater = remindLaterFor
			}
			s.mountRegister(s.sessions.User, s.sessions.RequireRecent(si.MaxAge.D(), prefix+"signin"))
		}
		if readers := cfg.Audit.Readers; len(readers) > 0 { // the audit log page
			report.New(report.Options{Prefix: prefix, Readers: readers},
				report.Deps{Sessions: s.sessions, Directory: s.directory, Events: s.store.Audit(), Log: auditLog, Limits: s.store.Limits(),
					Pages: s.pages, CSRF: s.csrf, Now: s.now}).Register(s.own)
		}
		{ // the silent check: OIDC prompt=none, SAML IsPassive
			required.New(required.Options{Prefix: prefix, PublicURL: cfg.Server.PublicURL, Register: prefix + "register",
				RemindLater: s.remindLater}, required.Deps{Sessions: s.sessions, Provider: provider,
				MustRegister: s.mustRegister, Limits: s.store.Limits(), Pages: s.pages, CSRF: s.csrf,
				Continue: s.continueCookie(), Now: s.now}).Register(s.own)
		}
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
	case "saml":
		m := si.SAML
		l.open = func(ctx context.Context) (idp.SignIn, error) {
			return s.openSAML(ctx, m)
		}
	}
	return l
}

// openSAML reads the SP's key and certificate and the IdP's metadata.
func (s *Server) openSAML(ctx context.Context, m *config.SAML) (idp.SignIn, error) {
	key, cert, err := loadKeyPair(m.KeyFile, m.CertFile)
	if err != nil {
		return nil, err
	}
	var md []byte
	if m.IDPMetadataFile != "" {
		if md, err = os.ReadFile(m.IDPMetadataFile); err != nil {
			return nil, err
		}
	} else {
		client, err := httpClient(m.CAFile)
		if err != nil {
			return nil, err
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.IDPMetadataURL, nil)
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("IdP metadata: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("IdP metadata: HTTP %d", resp.StatusCode)
		}
		if md, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20)); err != nil {
			return nil, fmt.Errorf("IdP metadata: %w", err)
		}
	}
	base := s.cfg.Server.PublicURL + s.cfg.Server.Prefix
	return samlsp.New(samlsp.Config{EntityID: m.EntityID, MetadataURL: base + "saml/metadata",
		ACSURL: s.cfg.Server.PublicURL + signin.CallbackPath(s.cfg.Server.Prefix, "saml"), IDPMetadata: md,
		UserAttribute: m.UserAttribute, Key: key, Certificate: cert, State: s.pending(), Once: s.once})
}

// loadKeyPair reads a PEM private key and certificate.
func loadKeyPair(keyFile, certFile string) (crypto.Signer, *x509.Certificate, error) {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("signin.saml key_file / cert_file: %w", err)
	}
	signer, ok := pair.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, nil, errors.New("signin.saml.key_file: not a signing key")
	}
	return signer, pair.Leaf, nil
}

// samlMetadata serves the SP metadata once the provider is set up.
func (s *Server) samlMetadata(p idp.SignIn) http.Handler {
	return s.pages.Handle(func(w http.ResponseWriter, r *http.Request) error {
		sp, err := p.(*lazySignIn).get(r.Context())
		if err != nil {
			return err
		}
		m, ok := sp.(interface{ Metadata() http.Handler })
		if !ok {
			return webNotFound
		}
		m.Metadata().ServeHTTP(w, r)
		return nil
	})
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
	s.tellOwner(r, u, "change_done", u.Emails, s.templates.Lang(r))
}

// checkSignIn is what check adds for the signed-in pages.
func checkSignIn(cfg *config.Config, dir idp.Directory) config.Problems {
	var ps config.Problems
	if cfg.Change != nil && dir != nil {
		if _, ok := dir.(idp.PasswordChanger); !ok {
			ps = append(ps, config.Problem{Path: "directory.type", Message: fmt.Sprintf("the %s directory cannot change passwords with the current one, which the change pages need", cfg.Directory.Type)})
		}
	}
	if si := cfg.SignIn; si != nil && si.Protocol == "saml" && si.SAML != nil && si.SAML.KeyFile != "" && si.SAML.CertFile != "" {
		if _, _, err := loadKeyPair(si.SAML.KeyFile, si.SAML.CertFile); err != nil {
			ps = append(ps, config.Problem{Path: "signin.saml.key_file", Message: err.Error()})
		}
	}
	return ps
}
