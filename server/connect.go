package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/questions"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/internal/loopback"
	"github.com/frontdoor-sspr/frontdoor/notify"
	"github.com/frontdoor-sspr/frontdoor/proxy"
)

// Connection is the result of trying one server the configuration names.
type Connection struct {
	// Part is what was tried, in the operator's words: "directory",
	// "mail server", "upstream", "store".
	Part string
	// Detail says what was done or found; Err is nil when it worked.
	Detail string
	Err    error
	// Warning, when set, is what works but should not be so: a service
	// account with an administrator's rights.
	Warning string
}

func (c Connection) String() string {
	switch {
	case c.Err != nil:
		return fmt.Sprintf("FAIL %-11s %s: %v", c.Part, c.Detail, c.Err)
	case c.Warning != "":
		return fmt.Sprintf("warn %-11s %s: %s", c.Part, c.Detail, c.Warning)
	}
	return fmt.Sprintf("ok   %-11s %s", c.Part, c.Detail)
}

// connectTimeout bounds each check, so that a server that does not answer
// shows as such instead of hanging the command.
const connectTimeout = 10 * time.Second

// noSuchLogin is what the directory check looks up: a login no account has,
// so that the lookup proves the bind and the search without reading anyone.
const noSuchLogin = "frontdoor-connect-check-no-such-user"

// Connect tries every server the configuration names, as serving would use
// them, and returns one result per server: what `check-config --connect`
// prints and `serve` logs at start. It sends no mail and changes nothing.
func Connect(ctx context.Context, cfg *config.Config) []Connection {
	var cs []Connection
	if cfg.Directory != nil {
		cs = append(cs, connectDirectory(ctx, cfg))
	}
	if cfg.Email != nil {
		cs = append(cs, connectMail(ctx, *cfg.Email))
	}
	cs = append(cs, connectUpstream(ctx, cfg.Upstream), connectStore(ctx, cfg.Store))
	return cs
}

func connectDirectory(ctx context.Context, cfg *config.Config) Connection {
	c := Connection{Part: "directory", Detail: cfg.Directory.Type}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	dir, err := openDirectory(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		c.Err = err
		return c
	}
	if cl, ok := dir.(idp.Closer); ok {
		defer cl.Close()
	}
	c.Err = pingDirectory(ctx, dir)
	if c.Err == nil {
		c.Detail += ": signed in and searched (no account read)"
		c.Err = readerGroups(ctx, dir, cfg.Audit.Readers)
	}
	if c.Err == nil && len(cfg.Audit.Readers) > 0 {
		c.Detail += fmt.Sprintf("; audit.readers groups found: %d", len(cfg.Audit.Readers))
	}
	if c.Err == nil {
		doc := "docs/directories.md"
		if cfg.Directory.Type == "keycloak" {
			doc = "docs/keycloak.md"
		}
		c.Warning = excessRights(ctx, dir, doc)
	}
	return c
}

// excessRights says what the directory's service account holds beyond what
// frontdoor needs, or why that could not be read; "" when nothing. doc is
// where the rights it needs are listed.
func excessRights(ctx context.Context, dir idp.Directory, doc string) string {
	rc, ok := dir.(idp.RightsChecker)
	if !ok {
		return ""
	}
	excess, err := rc.ExcessRights(ctx)
	switch {
	case err != nil:
		return fmt.Sprintf("could not check the service account's rights: %v", err)
	case excess != "":
		return excess + "; give it only the rights " + doc + " lists"
	}
	return ""
}

// readerGroups asks the directory for a member of each audit.readers group:
// a group that does not exist, or a name the directory cannot read, fails
// here rather than as an audit log page nobody can open.
func readerGroups(ctx context.Context, dir idp.Directory, groups []string) error {
	gl, ok := dir.(idp.GroupLister)
	if !ok {
		return nil
	}
	for i, g := range groups {
		_, err := gl.GroupMembers(ctx, g, 1)
		if errors.Is(err, idp.ErrNotFound) {
			return fmt.Errorf("audit.readers[%d] %q: no such group in the directory", i, g)
		}
		if err != nil {
			return fmt.Errorf("audit.readers[%d] %q: %w", i, g, err)
		}
	}
	return nil
}

// pingDirectory binds and looks up a login no account has: not found is the
// answer of a directory that works.
func pingDirectory(ctx context.Context, dir idp.Directory) error {
	_, err := dir.Lookup(ctx, noSuchLogin)
	if err == nil || errors.Is(err, idp.ErrNotFound) {
		return nil
	}
	return err
}

func connectMail(ctx context.Context, e config.Email) Connection {
	c := Connection{Part: "mail server", Detail: fmt.Sprintf("%s:%d", e.SMTP.Host, e.SMTP.Port)}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	m, err := notify.NewSMTP(e)
	if err != nil {
		c.Err = err
		return c
	}
	if c.Err = m.Ping(ctx); c.Err == nil {
		c.Detail += ": " + mailSteps(e.SMTP) + " accepted, nothing sent"
	}
	return c
}

func mailSteps(s config.SMTP) string {
	steps := []string{"EHLO"}
	switch s.TLS {
	case "starttls":
		steps = append(steps, "STARTTLS")
	case "tls":
		steps = []string{"TLS", "EHLO"}
	}
	if s.Username != "" {
		steps = append(steps, "AUTH")
	}
	return strings.Join(steps, ", ")
}

// SignInPage returns the address of the upstream's sign-in page to fetch,
// and whether it shows the sign-in form: upstream.sign_in_url, else the
// first sign-in path that is neither a pattern nor a page the preset knows
// needs its query (SimpleSAMLphp's without AuthState), else the upstream's
// root, which is only reachable, not a form.
func SignInPage(u config.Upstream) (page string, form bool) {
	base := strings.TrimSuffix(u.URL, "/")
	if u.SignInURL != "" {
		if p, err := url.Parse(u.SignInURL); err == nil && p.IsAbs() {
			// On the public origin: fetched from the upstream at the same path.
			return base + p.RequestURI(), true
		}
		return base + u.SignInURL, true
	}
	needs := config.Presets[u.Preset].ReturnNeeds
	for _, p := range u.SignInPaths {
		if _, ok := needs[p]; !ok && !strings.ContainsAny(p, "{*") {
			return base + p, true
		}
	}
	return base + "/", false
}

func connectUpstream(ctx context.Context, u config.Upstream) Connection {
	page, form := SignInPage(u)
	c := Connection{Part: "upstream", Detail: "GET " + page}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, page, nil)
	if err != nil {
		c.Err = err
		return c
	}
	req.Header.Set("Accept", "text/html")
	// Redirects are followed with the cookies they set, as a browser would:
	// SimpleSAMLphp starts a session before it shows the form.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Transport: proxy.NewTransport(connectTimeout), Jar: jar}
	resp, err := client.Do(req)
	if err != nil {
		c.Err = err
		return c
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		c.Err = err
		return c
	}
	c.Detail += fmt.Sprintf(": %d", resp.StatusCode)
	if final := resp.Request.URL; final.String() != page {
		c.Detail += " at " + final.Path // the query may hold a session's state
	}
	switch {
	case resp.StatusCode >= 400:
		c.Err = fmt.Errorf("the upstream answered %s", resp.Status)
	case !form:
		c.Detail += " (reachable; set upstream.sign_in_url to check its sign-in form)"
	case resp.StatusCode != http.StatusOK:
		c.Detail += " (not the page itself: set upstream.sign_in_url to a page that shows the sign-in form)"
	case !proxy.HasAnchor(body, u.InjectAfter):
		c.Err = fmt.Errorf("the page has no element %s (upstream.inject_after): the links would not be added", u.InjectAfter)
	default:
		c.Detail += fmt.Sprintf(", %s found: the links go after it", u.InjectAfter)
	}
	return c
}

func connectStore(ctx context.Context, s config.Store) Connection {
	c := Connection{Part: "store", Detail: s.Driver}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	st, err := OpenStore(ctx, s)
	if err != nil {
		c.Err = err
		return c
	}
	defer st.Close()
	if c.Err = st.Ping(ctx); c.Err == nil {
		c.Detail += ": opened and answered"
	}
	return c
}

// Warnings lists what the configuration allows but an operator should know
// before users arrive: printed by check-config and logged by serve, never
// fatal.
func Warnings(cfg *config.Config) []string {
	var ws []string
	if cfg.Server.SecretKey == "" {
		ws = append(ws, "server.secret_key is not set: a random key is used, so flows do not survive a restart and replicas cannot share them")
	}
	if cfg.Captcha.Provider == "none" {
		ws = append(ws, "captcha.provider is none: bots can try user IDs and send mail freely; for tests and benchmarks only")
	}
	if len(config.Presets[cfg.Upstream.Preset].ReturnNeeds) > 0 && cfg.Upstream.SignInURL == "" {
		ws = append(ws, "upstream.sign_in_url is not set: a user whose sign-in page cannot be shown again (the "+
			cfg.Upstream.Preset+" preset knows such pages) is sent back to / instead")
	}
	if r := cfg.Reset; r != nil && r.Disclosure == config.DisclosureDescriptive {
		ws = append(ws, "reset.disclosure is descriptive: the pages tell whether a user ID exists and why it cannot go on")
	}
	if e := cfg.Email; e != nil && e.SMTP.TLS == "none" && !loopback.Host(e.SMTP.Host) {
		// Only with email.smtp.allow_plaintext; validation refuses it otherwise.
		ws = append(ws, "email.smtp.tls is none: verification codes (and the SMTP credentials, when set) cross the network to "+e.SMTP.Host+" in clear; use starttls or tls outside a test setup")
	}
	if t := cfg.Text; t != nil && t.Kannel != nil {
		if u, err := url.Parse(t.Kannel.URL); err == nil && u.Scheme == "http" && !loopback.Host(u.Hostname()) {
			ws = append(ws, "text.kannel.url is http: the texted codes and Kannel's password cross the network to "+u.Host+" in clear; "+
				"reach Kannel over https (its SSL build) or from this machine")
		}
	}
	if r := cfg.Reset; r != nil && r.Enabled != config.EnabledNone && r.MethodsRequired < 2 && slices.Contains(r.Methods, questions.Name) {
		ws = append(ws, "reset.methods offers security_questions and reset.methods_required is 1: answers alone can reset a password "+
			"or unlock an account, which is not compliant with OWASP ASVS (2.5.2, 6.4.2) or NIST SP 800-63B; "+
			"set methods_required: 2, or take security_questions out of the list")
	}
	return ws
}
