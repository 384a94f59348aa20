package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/notify"
	"github.com/frontdoor-sspr/frontdoor/policy"
	"github.com/frontdoor-sspr/frontdoor/proxy"
	"github.com/frontdoor-sspr/frontdoor/session"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/postgres"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
	"github.com/frontdoor-sspr/frontdoor/telemetry"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Server is frontdoor assembled from its configuration.
type Server struct {
	cfg     *config.Config
	log     *slog.Logger
	version string
	secret  []byte

	store store.Store
	// now is the clock flows and codes are stamped and expire by: the
	// store's when it has one of its own (PostgreSQL: the database
	// server's, which every replica shares), else this host's.
	now       func() time.Time
	templates *templates.Set
	pages     *web.Pages
	// audit records the server's own events (the notices to owners); the
	// flows get it too.
	audit    *audit.Log
	csrf     *web.CSRF
	metrics  *telemetry.Metrics
	proxy    *proxy.Proxy
	own      *http.ServeMux
	engine   *flows.Engine
	sessions *session.Manager
	// mustRegister is the registration policy's hook (flows/register) and
	// remindLater its "remind me later" period, for the "More information
	// required" page; nil: no one is asked.
	mustRegister func(context.Context, idp.User) bool
	remindLater  time.Duration
	directory    idp.Directory
	policy       *policy.Policy
	mail         *notify.Queue
	phone        *phoneParts
	reg          registrationParts
	readiness    readiness
	// built are the methods built so far, by name (method_env.go).
	built   map[string]methods.Method
	closers []func() error
	// snippets are the injected links' parts by language (snippet.go).
	snippets sync.Map
	// background holds the alerts and notices sent after their request
	// returned (notices.go); Close waits for them before it closes the
	// store and the mail queue.
	background sync.WaitGroup
	bgMu       sync.Mutex
	bgClosed   bool
	bgRunning  int
}

// New builds every part; nothing listens until Run or Serve.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger, version string) (*Server, error) {
	s := &Server{cfg: cfg, log: log, version: version, metrics: telemetry.New(), own: http.NewServeMux()}
	if err := s.build(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) build(ctx context.Context) error {
	cfg := s.cfg
	var err error
	if s.directory, err = openDirectory(ctx, cfg, s.log); err != nil {
		return err
	}
	if ps := check(cfg, s.directory); len(ps) > 0 {
		return ps
	}
	if c, ok := s.directory.(idp.Closer); ok {
		s.closers = append(s.closers, c.Close)
	}
	s.secret = []byte(cfg.Server.SecretKey)
	if len(s.secret) == 0 {
		s.secret = make([]byte, 32)
		_, _ = rand.Read(s.secret)
	}
	for _, w := range Warnings(cfg) {
		s.log.Warn(w)
	}
	st, err := OpenStore(ctx, cfg.Store)
	if err != nil {
		return err
	}
	s.store, s.now = st, storeClock(st)
	s.closers = append(s.closers, st.Close)
	if err := s.buildRegistrations(); err != nil {
		return err
	}

	if s.templates, err = templates.New(templates.Options{Dir: cfg.Server.TemplatesDir, Organization: cfg.Organization, Product: cfg.ProductName, Prefix: cfg.Server.Prefix}); err != nil {
		return err
	}
	publicURL := cfg.Server.PublicURL
	s.pages = &web.Pages{Templates: s.templates, Home: s.home(), Secure: isHTTPS(cfg.Server.PublicURL), Logger: s.log}
	if s.csrf, err = web.NewCSRF(s.secret, isHTTPS(publicURL)); err != nil {
		return err
	}
	if s.policy, err = policy.New(cfg.PasswordPolicy, cfg.Organization); err != nil {
		return err
	}
	s.closers = append(s.closers, s.policy.Close)
	if cfg.Email != nil {
		mailer, err := notify.NewSMTP(*cfg.Email)
		if err != nil {
			return fmt.Errorf("email: %w", err)
		}
		senders := cfg.Email.SMTP.Connections
		if senders < 1 {
			senders = 2 // a configuration that did not go through ApplyDefaults
		}
		s.mail = notify.NewQueue(mailer, s.log, senders)
		s.mail.OnResult = func(m notify.Message, err error) { s.metrics.Mail(m.Kind, mailOutcome(err)) }
		s.metrics.StartMailCounts(s.templates.Emails())
		s.readiness.smtp = mailer
		// Closers run last first: the queue drains, then the kept sessions end.
		s.closers = append(s.closers, mailer.Close, func() error { s.mail.Close(); return nil })
	}
	if err := s.buildPhone(); err != nil {
		return err
	}
	if err := s.buildSessions(); err != nil {
		return err
	}
	s.routes()
	return s.buildProxy()
}

// storeAccountLock is the store's lock on an account across replicas
// (PostgreSQL), or nil when it has none: SQLite is one host's, where the
// directory backends serialise the writes to an account.
func storeAccountLock(st store.Store) func(ctx context.Context, key string) (func(), error) {
	if l, ok := st.(interface {
		LockAccount(ctx context.Context, key string) (func(), error)
	}); ok {
		return l.LockAccount
	}
	return nil
}

// mailOutcome is the outcome label of an email's last attempt.
func mailOutcome(err error) string {
	switch {
	case err == nil:
		return "sent"
	case errors.Is(err, notify.ErrDropped):
		return "dropped"
	}
	return "failed"
}

// storeClock is the clock of st when it keeps one of its own (PostgreSQL:
// the database server's), else this host's.
func storeClock(st store.Store) func() time.Time {
	if c, ok := st.(interface{ Now() time.Time }); ok {
		return c.Now
	}
	return time.Now
}

// OpenStore opens the store the configuration names.
func OpenStore(ctx context.Context, c config.Store) (store.Store, error) {
	switch c.Driver {
	case "sqlite":
		st, err := sqlite.Open(ctx, c.DSN)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		return st, nil
	case "postgres":
		st, err := postgres.Open(ctx, c.DSN)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		return st, nil
	}
	return nil, fmt.Errorf("store.driver %q is not available in this build", c.Driver)
}

func (s *Server) buildProxy() error {
	cfg := s.cfg
	up, err := url.Parse(cfg.Upstream.URL)
	if err != nil {
		return fmt.Errorf("upstream.url: %w", err)
	}
	p, err := proxy.New(proxy.Options{
		Upstream: up,
		Prefix:   cfg.Server.Prefix,
		Own:      s.requestIDs().Scope(web.SecurityHeaders(s.limiter().Handler(s.own))),
		Intercept: map[string][]string{
			"reset":    cfg.Upstream.Intercept.Reset,
			"unlock":   cfg.Upstream.Intercept.Unlock,
			"helpdesk": cfg.Upstream.Intercept.Helpdesk,
		},
		SignInPaths:    cfg.Upstream.SignInPaths,
		Block:          cfg.Upstream.BlockPaths,
		Allow:          cfg.Upstream.AllowPaths,
		InjectAfter:    cfg.Upstream.InjectAfter,
		CompressSignIn: *cfg.Upstream.CompressSignIn,
		Snippet:        s.snippet,
		TrustedProxies: cfg.Server.TrustedProxies,
		PreserveHost:   *cfg.Upstream.PreserveHost,
		OwnCookies:     s.ownCookies(),
		MaxBodyBytes:   cfg.Server.MaxBodyBytes,
		BodyTimeout:    cfg.Server.ReadTimeout.D(),
		HSTS:           hstsValue(cfg.Server),
		Timeout:        cfg.Upstream.Timeout.D(),
		ErrorPage:      s.upstreamError,
		Observe:        s.metrics.Observe,
		SignInDone:     s.requiredAfter(),
		AfterSignIn:    s.afterSignIn,
		Logger:         s.log,
	})
	if err != nil {
		return err
	}
	s.proxy = p
	return nil
}

// limiter bounds the requests to frontdoor's own pages served at once
// (server.max_concurrent); pass-through requests are not counted.
func (s *Server) limiter() *web.Limiter {
	return web.NewLimiter(web.LimitOptions{
		Max:      s.cfg.Server.MaxConcurrent,
		Wait:     s.cfg.Server.QueueTimeout.D(),
		Pages:    s.pages,
		Waiting:  s.metrics.Waiting,
		Rejected: s.metrics.Busy,
	})
}

// upstreamError renders the proxy's errors; a failed upstream is named as
// the sign-in page, in the user's words.
func (s *Server) upstreamError(w http.ResponseWriter, r *http.Request, status int, err error) {
	if status >= http.StatusBadGateway && status <= http.StatusGatewayTimeout {
		err = &web.StatusError{Status: status, Err: err, Part: "sign_in"}
	}
	s.pages.Error(w, r, status, err)
}

// Handler is the front door: every request gets an ID, then goes to the
// proxy; frontdoor's own pages get a logger carrying the ID too (Own above).
func (s *Server) Handler() http.Handler {
	return s.requestIDs().Stamp(s.proxy)
}

func (s *Server) requestIDs() web.RequestIDs { return web.RequestIDs{Logger: s.log} }

// clientIP is the request's client address as the proxy believes it.
func (s *Server) clientIP(r *http.Request) string { return s.proxy.ClientIP(r).String() }

// collectGarbage removes expired flows, codes and limit windows, and audit
// events past audit.retention, every minute.
func (s *Server) collectGarbage(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			// By the store's clock: a replica whose host clock runs fast
			// must not remove what the others still hold live.
			if _, err := s.store.GC(ctx, s.now(), store.Retention{Audit: s.cfg.Audit.Retention.D()}); err != nil && !errors.Is(err, context.Canceled) {
				s.log.Error("store garbage collection failed", "err", err)
			}
		}
	}
}

// Close releases every part, in reverse order of creation.
func (s *Server) Close() {
	s.stopBackground()
	for i := len(s.closers) - 1; i >= 0; i-- {
		if err := s.closers[i](); err != nil {
			s.log.Error("closing", "err", err)
		}
	}
	s.closers = nil
}

func isHTTPS(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Scheme == "https"
}
