package proxy

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Options configures a Proxy.
type Options struct {
	Upstream *url.URL
	// Prefix is where frontdoor's own pages live, such as "/.frontdoor/".
	Prefix string
	// Own serves everything under Prefix, and intercepted paths rewritten there.
	Own http.Handler
	// Intercept maps a page name under Prefix ("reset", "helpdesk") to the
	// upstream path patterns that lead to it.
	Intercept map[string][]string
	// Block lists upstream paths never forwarded (an admin console, say): a
	// request for one, in any spelling, is answered 404. Allow, when not
	// empty, lists the only upstream paths forwarded: a request for any other
	// path, or for one that is allowed in one spelling and not in another,
	// is answered 404. Frontdoor's own and intercepted paths are answered
	// before either is looked at.
	Block, Allow []string
	// SignInPaths are the patterns of pages that get the links injected after
	// the InjectAfter element (#id, .class or tag).
	SignInPaths []string
	InjectAfter string
	// CompressSignIn asks the upstream for sign-in pages uncompressed
	// (Accept-Encoding: identity) and compresses the rewritten page for the
	// client (gzip, else br, as it accepts).
	CompressSignIn bool
	// Snippet renders the HTML to inject for a sign-in request; returnTo is the
	// page's own path and query, which the links carry so the user comes back.
	Snippet func(r *http.Request, returnTo string) []byte
	// TrustedProxies are CIDRs whose X-Forwarded-* headers are believed.
	TrustedProxies []string
	PreserveHost   bool
	// OwnCookies are frontdoor's cookies that the browser also sends to the
	// upstream (Path=/); they are removed from requests to it.
	OwnCookies   []string
	MaxBodyBytes int64
	// BodyTimeout is the time a client has to send a request body (no limit
	// when zero); a slower body fails and its connection is closed.
	BodyTimeout time.Duration
	// HSTS, when set, is the Strict-Transport-Security value sent on every
	// response that does not carry the upstream's own.
	HSTS    string
	Timeout time.Duration
	// ErrorPage renders frontdoor's branded error page.
	ErrorPage func(w http.ResponseWriter, r *http.Request, status int, err error)
	// Observe, when set, is told of each request's route class, status and time.
	Observe func(class string, status int, upstream time.Duration)
	Logger  *slog.Logger
	// SignInDone are the patterns of the upstream's sign-in form posts;
	// AfterSignIn sees the upstream's answer to each (before it is sent on),
	// for frontdoor's "More information required" step.
	SignInDone  []string
	AfterSignIn func(resp *http.Response)
	// Transport overrides the upstream transport (tests, benchmarks).
	Transport http.RoundTripper
}

// Route classes, as reported to Observe and in metrics.
const (
	ClassUpstream    = "upstream"
	ClassSignIn      = "signin"
	ClassFrontdoor   = "frontdoor"
	ClassIntercepted = "intercepted"
	ClassRefused     = "refused"
)

// Proxy is the front door's http.Handler.
type Proxy struct {
	opt       Options
	transport http.RoundTripper
	upgrade   *httputil.ReverseProxy // forwards protocol upgrades (websockets)
	trusted   trusted
	signIn    patterns
	done      patterns
	sel       selector
	intercept []interception
	block     *interception // nil when Options.Block is empty
	allow     *interception // nil when Options.Allow is empty
	// prefixKey is the prefix's canonical route key with a trailing slash;
	// prefixDepth counts its segments.
	prefixKey   string
	prefixDepth int
}

// interception is one page under the prefix and the upstream paths that
// lead to it, as configured and in canonical form.
type interception struct {
	patterns  patterns
	canonical patterns
	target    string
}

// New builds a Proxy.
func New(opt Options) (*Proxy, error) {
	if opt.Upstream == nil || opt.Own == nil || opt.ErrorPage == nil {
		return nil, fmt.Errorf("proxy: Upstream, Own and ErrorPage are required")
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	t, err := parseTrusted(opt.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("proxy: trusted proxies: %w", err)
	}
	p := &Proxy{opt: opt, trusted: t, signIn: compilePatterns(opt.SignInPaths), done: compilePatterns(opt.SignInDone), sel: parseSelector(opt.InjectAfter)}
	for target, list := range opt.Intercept {
		if len(list) > 0 {
			p.intercept = append(p.intercept, interception{compilePatterns(list), canonicalPatterns(list), target})
		}
	}
	if len(opt.Block) > 0 {
		p.block = &interception{compilePatterns(opt.Block), canonicalPatterns(opt.Block), ""}
	}
	if len(opt.Allow) > 0 {
		p.allow = &interception{compilePatterns(opt.Allow), canonicalPatterns(opt.Allow), ""}
	}
	prefix := canonicalSegments(opt.Prefix, true)
	p.prefixKey, p.prefixDepth = strings.TrimSuffix(routeKey(prefix), "/")+"/", len(prefix)
	p.transport = opt.Transport
	if p.transport == nil {
		p.transport = upstreamTransport(opt.Upstream, opt.Timeout)
	}
	p.upgrade = p.upgrades()
	return p, nil
}

// ClientIP returns the request's client address, believing X-Forwarded-For
// only from trusted proxies.
func (p *Proxy) ClientIP(r *http.Request) netip.Addr { return p.trusted.ClientIP(r) }

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	closeAfterChunked(w, r)
	if status, why := refuse(r); status != 0 {
		p.deny(w, r, status, fmt.Errorf("refused request: %s", why))
		return
	}
	r = limitBodyTime(w, r, p.opt.BodyTimeout)
	if r2 := p.ownRequest(r); r2 != nil {
		p.serveOwn(w, r2, ClassFrontdoor)
		return
	}
	switch target, closed := p.route(r); {
	case target != "":
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath = p.opt.Prefix+target, ""
		p.serveOwn(w, r2, ClassIntercepted)
		return
	case closed != "":
		p.deny(w, r, http.StatusNotFound, fmt.Errorf("refused request: %s", closed))
		return
	}
	if r.ContentLength > p.opt.MaxBodyBytes && p.opt.MaxBodyBytes > 0 {
		p.deny(w, r, http.StatusRequestEntityTooLarge, fmt.Errorf("request body of %d bytes is over the limit", r.ContentLength))
		return
	}
	if p.opt.MaxBodyBytes > 0 && r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(w, r.Body, p.opt.MaxBodyBytes)
	}
	class := ClassUpstream
	if p.signIn.match(r.URL.Path) {
		class = ClassSignIn
	}
	rec := newStatusRecorder(w)
	start := time.Now()
	p.forward(rec, r)
	p.observe(class, rec.status(), time.Since(start))
	rec.release()
}

// deny answers a request that goes no further with frontdoor's error page.
func (p *Proxy) deny(w http.ResponseWriter, r *http.Request, status int, err error) {
	p.observe(ClassRefused, status, 0)
	p.setHSTS(w.Header())
	p.opt.ErrorPage(w, r, status, err)
}

func (p *Proxy) serveOwn(w http.ResponseWriter, r *http.Request, class string) {
	p.setHSTS(w.Header())
	rec := &statusRecorder{ResponseWriter: w}
	p.opt.Own.ServeHTTP(rec, r)
	p.observe(class, rec.status(), 0)
}

func (p *Proxy) observe(class string, status int, d time.Duration) {
	if p.opt.Observe != nil {
		p.opt.Observe(class, status, d)
	}
}

// refuse returns a status when the request must not be forwarded: frontdoor
// is a reverse proxy for one upstream, never an open or tunnelling proxy.
func refuse(r *http.Request) (int, string) {
	switch {
	case r.Method == http.MethodConnect:
		return http.StatusMethodNotAllowed, "CONNECT"
	case r.Method == http.MethodTrace:
		return http.StatusMethodNotAllowed, "TRACE"
	case !strings.HasPrefix(r.RequestURI, "/"):
		return http.StatusBadRequest, "request target is not a path"
	case hasControl(r.URL.Path):
		return http.StatusBadRequest, "control character in the path"
	case hasToken(r.Header, "Upgrade", "h2c") || firstValue(r.Header, "Http2-Settings") != "":
		return http.StatusBadRequest, "h2c upgrade"
	}
	return 0, ""
}

// hasControl tells whether a decoded path holds a control character (NUL,
// tab, CR, LF, DEL, ...), or one still percent-encoded for a server that
// decodes twice. No sign-in page needs one, and servers that stop at a NUL
// or trim them would read another path than the one matched here.
func hasControl(path string) bool {
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c < 0x20 || c == 0x7f {
			return true
		}
		if c == '%' && i+2 < len(path) {
			hi, lo := path[i+1], path[i+2]|0x20 // lo in lower case
			if hi == '0' || hi == '1' || hi == '7' && lo == 'f' {
				if lo >= '0' && lo <= '9' || lo >= 'a' && lo <= 'f' {
					return true
				}
			}
		}
	}
	return false
}

// firstValue is h.Get(key) for a key already in canonical form, which
// Header.Get would otherwise build again on every request.
func firstValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// hasToken tells whether a comma-separated header lists token (any case).
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
