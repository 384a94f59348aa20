package flowtest

import (
	"context"
	"encoding/json"
	"html"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/flows/helpdesk"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/reset"
	"github.com/frontdoor-sspr/frontdoor/flows/unlock"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/idp/idptest"
	"github.com/frontdoor-sspr/frontdoor/policy"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Prefix is where the flows' pages live; PublicURL is frontdoor's origin.
const (
	Prefix    = "/.frontdoor/"
	PublicURL = "http://frontdoor.test"
)

// Env is frontdoor's own pages as server/routes.go assembles them, with an
// in-memory directory, a SQLite store in a temporary directory and mail
// captured in memory: no server of any kind. Mount flows with Reset, Unlock
// and Helpdesk, then walk them with a Browser.
type Env struct {
	t testing.TB
	// Dir is the directory's content; Directory is what the flows see (Dir
	// unless a test sets a narrower view before mounting a flow).
	Dir       *idptest.Memory
	Directory idp.Directory
	Clock     *Clock
	Store     *sqlite.Store
	Templates *templates.Set
	Engine    *flows.Engine
	Codes     *methods.CodeService
	// Methods are the configured methods; the email method by default.
	Methods []methods.Method
	Policy  *policy.Policy
	// Captcha turns the CAPTCHA on in the flows mounted after it is set.
	Captcha bool
	// Registered is the registration policy of the gates mounted after it
	// is set; nil for none.
	Registered func(ctx context.Context, u idp.User) (bool, error)
	// LockAccount, when set before the flows are built, holds accounts
	// across replicas (gate.Deps.LockAccount).
	LockAccount func(ctx context.Context, key string) (unlock func(), err error)
	Mux         *http.ServeMux
	// Handler is Mux behind the request IDs and security headers.
	Handler http.Handler

	csrf  *web.CSRF
	pages *web.Pages
	audit *audit.Log
	log   *slog.Logger
	logs  *testLog

	mu        sync.Mutex
	mail      []methods.EmailMessage
	confirmed []idp.User
	unlocked  []idp.User
	requests  []HelpdeskMail
	decoys    int
	refused   []Refusal
	capped    []idp.User
	blocked   []idp.User
}

// Refusal is one identify the gates stopped as managed elsewhere
// (gate.Deps.Refused).
type Refusal struct {
	Kind string
	User idp.User
}

// HelpdeskMail is one request the helpdesk flow handed over for sending.
type HelpdeskMail struct {
	To      []string
	Request helpdesk.Request
}

// New returns an Env with an empty directory and no flow mounted.
func New(t testing.TB) *Env {
	t.Helper()
	return newEnv(t, filepath.Join(t.TempDir(), "frontdoor.db"))
}

// NewInMemory is New with the SQLite store in memory: no file, no fsync,
// for the tests that measure time and must not measure the disk.
func NewInMemory(t testing.TB) *Env {
	t.Helper()
	return newEnv(t, ":memory:")
}

func newEnv(t testing.TB, dsn string) *Env {
	t.Helper()
	// The clock starts now: the browser's cookie jar expires flow cookies by
	// the real time.
	clock := &Clock{now: time.Now().UTC().Truncate(time.Second)}
	st, err := sqlite.Open(context.Background(), dsn, sqlite.WithNow(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tpl, err := pageSet()
	if err != nil {
		t.Fatal(err)
	}
	csrf, err := web.NewCSRF([]byte(strings.Repeat("k", 32)), false)
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.New(config.PasswordPolicy{Mode: "entra"}, "Example Corp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pol.Close() })
	logs := &testLog{t: t}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := &Env{
		t: t, Dir: idptest.NewMemory(), Clock: clock, Store: st, Templates: tpl, Policy: pol,
		Engine: flows.NewEngine(flows.Options{Flows: st.Flows(), Prefix: Prefix, Now: clock.Now, Limits: st.Limits(),
			Secret: []byte(strings.Repeat("e", 32))}),
		Codes: &methods.CodeService{Codes: st.Codes(), Limits: st.Limits(), Secret: []byte(strings.Repeat("s", 32)), Now: clock.Now},
		csrf:  csrf, log: log, logs: logs,
		pages: &web.Pages{Templates: tpl, Home: PublicURL + "/", Logger: log},
		audit: &audit.Log{Store: st.Audit(), ClientIP: ClientIP},
	}
	e.Directory = e.Dir
	e.init()
	return e
}

// init gives e its own methods and routes.
func (e *Env) init() {
	e.Methods = []methods.Method{&methods.Email{CodeService: e.Codes, Send: e.sendCode}}
	e.Mux = http.NewServeMux()
	e.Handler = web.RequestIDs{Logger: e.log}.Handler(web.SecurityHeaders(e.Mux))
}

// Replica returns another frontdoor on the same store, secret, clock and
// directory, as a second replica or the next version during a rolling
// deploy: it has its own routes, methods and captured mail, and mounts its
// flows with a configuration of its own. Browser.Via sends a browser there.
func (e *Env) Replica() *Env {
	r := &Env{t: e.t, Dir: e.Dir, Directory: e.Directory, Clock: e.Clock, Store: e.Store, Templates: e.Templates,
		Engine: e.Engine, Codes: e.Codes, Policy: e.Policy, Captcha: e.Captcha, csrf: e.csrf, pages: e.pages,
		audit: e.audit, log: e.log}
	r.init()
	return r
}

// pageSet returns the embedded pages, parsed once for every test of the
// package: a server, too, renders every request with one Set.
var pageSet = sync.OnceValues(func() (*templates.Set, error) {
	return templates.New(templates.Options{Organization: "Example Corp", Prefix: Prefix})
})

// ClientIP is the flows' client address: the browser's, from RemoteAddr.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// GateDeps are the gates' parts, as the server builds them.
func (e *Env) GateDeps() gate.Deps {
	return gate.Deps{Engine: e.Engine, CSRF: e.csrf, Pages: e.pages, Directory: e.Directory,
		Methods: e.Methods, Limits: e.Store.Limits(), Audit: e.audit, ClientIP: ClientIP, Registered: e.Registered,
		LockAccount: e.LockAccount, Refused: func(_ *http.Request, kind string, u idp.User) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.refused = append(e.refused, Refusal{kind, u})
		}, Blocked: e.keep(&e.blocked)}
}

// ResetConfig fills in what config.ApplyDefaults would for rc.
func ResetConfig(rc config.Reset) config.Reset {
	if rc.Enabled == "" {
		rc.Enabled = config.EnabledAll
	}
	if rc.Disclosure == "" {
		rc.Disclosure = config.DisclosureGeneric
	}
	if rc.MethodsRequired == 0 {
		rc.MethodsRequired = 1
	}
	if rc.Methods == nil {
		rc.Methods = []string{"email"}
	}
	return rc
}

// Reset mounts the reset flow configured by rc (defaults filled in).
func (e *Env) Reset(rc config.Reset) *reset.Flow {
	f := reset.New(reset.Options{Reset: ResetConfig(rc), PublicURL: PublicURL, Prefix: Prefix, Captcha: e.Captcha, IdentifyFloor: time.Nanosecond},
		reset.Deps{Deps: e.GateDeps(), Policy: e.Policy, Confirm: e.keep(&e.confirmed)})
	f.Register(e.Mux)
	return f
}

// Unlock mounts the unlock flow configured by uc, with the gates of rc
// (defaults filled in).
func (e *Env) Unlock(uc config.Unlock, rc config.Reset) *unlock.Flow {
	if uc.Enabled == "" {
		uc.Enabled = config.EnabledAll
	}
	f := unlock.New(unlock.Options{Unlock: uc, Reset: ResetConfig(rc), PublicURL: PublicURL, Prefix: Prefix, Captcha: e.Captcha, IdentifyFloor: time.Nanosecond},
		unlock.Deps{Deps: e.GateDeps(), Unlocked: e.keep(&e.unlocked), Capped: e.keep(&e.capped)})
	f.Register(e.Mux)
	return f
}

// Helpdesk mounts the helpdesk flow; recipients nil means one address,
// helpdesk@example.test.
func (e *Env) Helpdesk(opt helpdesk.Options, recipients func(context.Context) ([]string, error)) *helpdesk.Flow {
	if recipients == nil {
		recipients = func(context.Context) ([]string, error) { return []string{"helpdesk@example.test"}, nil }
	}
	opt.Prefix, opt.PublicURL, opt.Captcha = Prefix, PublicURL, e.Captcha
	f := helpdesk.New(opt, helpdesk.Deps{Engine: e.Engine, CSRF: e.csrf, Pages: e.pages, Limits: e.Store.Limits(),
		Audit: e.audit, ClientIP: ClientIP, Recipients: recipients, Directory: e.Directory,
		Send: func(to []string, req helpdesk.Request) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.requests = append(e.requests, HelpdeskMail{To: to, Request: req})
		}})
	f.Register(e.Mux)
	return f
}

// sendCode keeps a code email, and counts a decoy (no To) apart.
func (e *Env) sendCode(m methods.EmailMessage) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if m.To == "" {
		e.decoys++
		return
	}
	e.mail = append(e.mail, m)
}

// Decoys is the number of decoy code emails (for nobody) handed over.
func (e *Env) Decoys() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.decoys
}

// Mail returns the code emails sent so far.
func (e *Env) Mail() []methods.EmailMessage { return snapshot(e, &e.mail) }

// LastCode returns the code of the last email sent to to.
func (e *Env) LastCode(to string) string {
	e.t.Helper()
	ms := e.Mail()
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].To == to {
			return ms[i].Code
		}
	}
	e.t.Fatalf("no code was sent to %s", to)
	return ""
}

// Confirmed returns the accounts told of a reset, Unlocked those told of an
// unlock.
func (e *Env) Confirmed() []idp.User { return snapshot(e, &e.confirmed) }

// Unlocked returns the accounts told of an unlock.
func (e *Env) Unlocked() []idp.User { return snapshot(e, &e.unlocked) }

// Refused returns the identifies stopped as managed elsewhere.
func (e *Env) Refused() []Refusal { return snapshot(e, &e.refused) }

// Capped returns the accounts whose unlock the daily cap refused, once per
// refusal.
func (e *Env) Capped() []idp.User { return snapshot(e, &e.capped) }

// Blocked returns the accounts whose owner was to be told of a block by
// failed answers, once per block.
func (e *Env) Blocked() []idp.User { return snapshot(e, &e.blocked) }

// HelpdeskMail returns the helpdesk requests handed over for sending.
func (e *Env) HelpdeskMail() []HelpdeskMail { return snapshot(e, &e.requests) }

// Events returns the audit events of type typ ("" for all), oldest first.
func (e *Env) Events(typ string) []store.Event {
	e.t.Helper()
	evs, err := e.Store.Audit().List(context.Background(), store.Filter{Type: typ})
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

// Text returns message id in English, as a page shows it (HTML-escaped).
func (e *Env) Text(id string) string {
	e.t.Helper()
	s, err := e.Templates.Message(language.English, id)
	if err != nil {
		e.t.Fatalf("message %s: %v", id, err)
	}
	return html.EscapeString(s)
}

// Expect fails the test unless p has status and shows each message of ids
// in English.
func (e *Env) Expect(p Page, status int, ids ...string) {
	e.t.Helper()
	if p.Status != status {
		e.t.Fatalf("%s: status %d, want %d\n%s", p.URL, p.Status, status, p.Body)
	}
	for _, id := range ids {
		if !strings.Contains(p.Body, e.Text(id)) {
			e.t.Fatalf("%s: the page does not show %s (%q)\n%s", p.URL, id, e.Text(id), p.Body)
		}
	}
}

// ExpectNot fails the test if p shows any message of ids.
func (e *Env) ExpectNot(p Page, ids ...string) {
	e.t.Helper()
	for _, id := range ids {
		if strings.Contains(p.Body, e.Text(id)) {
			e.t.Fatalf("%s: the page shows %s\n%s", p.URL, id, p.Body)
		}
	}
}

// Step returns the step of b's current flow of kind, from the store.
func (e *Env) Step(b *Browser, kind string) string {
	e.t.Helper()
	id := b.Cookie(flows.CookieName(kind))
	if id == "" {
		e.t.Fatalf("the browser has no %s flow", kind)
	}
	var s json.RawMessage
	f, err := e.Engine.Peek(context.Background(), kind, id, &s)
	if err != nil {
		e.t.Fatalf("the %s flow: %v", kind, err)
	}
	return f.Step
}

// State decodes the state of b's current flow of kind into v.
func (e *Env) State(b *Browser, kind string, v any) {
	e.t.Helper()
	id := b.Cookie(flows.CookieName(kind))
	if _, err := e.Engine.Peek(context.Background(), kind, id, v); err != nil {
		e.t.Fatalf("the %s flow: %v", kind, err)
	}
}

// Clock is a settable clock for the store, the engine and the codes.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testLog keeps what the flows log, for Logs, and shows it with go test -v.
type testLog struct {
	t   testing.TB
	mu  sync.Mutex
	all strings.Builder
}

func (w *testLog) Write(p []byte) (int, error) {
	if testing.Verbose() {
		w.t.Log(strings.TrimSpace(string(p)))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.all.Write(p)
}

// Logs returns everything the flows logged so far, at every level.
func (e *Env) Logs() string {
	e.logs.mu.Lock()
	defer e.logs.mu.Unlock()
	return e.logs.all.String()
}

// keep returns a hook that records each account it is told of in *list.
func (e *Env) keep(list *[]idp.User) func(*http.Request, idp.User) {
	return func(_ *http.Request, u idp.User) {
		e.mu.Lock()
		defer e.mu.Unlock()
		*list = append(*list, u)
	}
}

// snapshot returns a copy of *list, taken under the Env's lock.
func snapshot[T any](e *Env, list *[]T) []T {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]T(nil), *list...)
}
