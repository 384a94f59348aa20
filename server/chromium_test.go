package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// headless is one tab of a headless Chromium started for a test, with the
// console messages its pages wrote and a directory for its screenshots.
type headless struct {
	t     *testing.T
	ctx   context.Context
	shots string
	n     int

	mu      sync.Mutex
	console []string // errors and warnings, with the page they came from
	csp     []string // Content-Security-Policy violations
}

// startChromium starts Debian's Chromium headless with a fresh profile and a
// 1024x768 viewport; it is closed when the test ends. Screenshots go to
// $FRONTDOOR_ARTIFACTS, or to a temporary directory.
func startChromium(t *testing.T, timeout time.Duration, extra ...chromedp.ExecAllocatorOption) *headless {
	t.Helper()
	exe := testenv.Require(t, "chromium", "CHROMIUM_PATH")[0]
	h := &headless{t: t, shots: os.Getenv("FRONTDOOR_ARTIFACTS")}
	if h.shots == "" {
		h.shots = t.TempDir()
	}
	if err := os.MkdirAll(h.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 768),
		// Nothing but loopback: no QUIC, updates, sync or background fetches.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication"),
		// No name resolves, and no address but 127.0.0.1 is reached.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	)
	opts = append(opts, extra...)
	// The deadline bounds the whole browser: a hung step fails the test.
	base, stop := context.WithTimeout(context.Background(), timeout)
	actx, acancel := chromedp.NewExecAllocator(base, opts...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(h.listen))
	t.Cleanup(func() { cancel(); acancel(); stop() })
	h.ctx = ctx
	h.do(chromedp.EmulateViewport(1024, 768))
	return h
}

// listen keeps the console messages that tell of a problem. It runs in the
// tab's event loop: it only appends under the lock.
func (h *headless) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *log.EventEntryAdded:
		e := ev.Entry
		if e.Level != log.EntryLevelError && e.Level != log.EntryLevelWarning {
			return
		}
		msg = fmt.Sprintf("%s %s (%s): %s", e.Level, e.Source, e.URL, e.Text)
	case *runtime.EventExceptionThrown:
		msg = "exception: " + ev.ExceptionDetails.Text
		if ex := ev.ExceptionDetails.Exception; ex != nil {
			msg += " " + ex.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeWarning {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			parts = append(parts, string(a.Value)+a.Description)
		}
		msg = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
	default:
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.console = append(h.console, msg)
	if strings.Contains(msg, "Content Security Policy") || strings.Contains(msg, "Content-Security-Policy") {
		h.csp = append(h.csp, msg)
	}
}

// messages returns the problems the console showed so far, and the CSP
// violations among them.
func (h *headless) messages() (console, csp []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.console...), append([]string(nil), h.csp...)
}

// do runs actions in the tab and fails the test on an error.
func (h *headless) do(what ...chromedp.Action[chromedp.Void]) {
	h.t.Helper()
	if err := chromedp.Do(h.ctx, what...); err != nil {
		h.t.Fatal(err)
	}
}

// load runs actions that lead to a new page (a click on a link or a submit
// button), waits for it, and fails the test unless its status is 200.
func (h *headless) load(what ...chromedp.Action[chromedp.Void]) {
	h.t.Helper()
	resp, err := chromedp.RunResponse(h.ctx, what...)
	if err != nil {
		h.t.Fatal(err)
	}
	if resp.Status != http.StatusOK {
		h.t.Fatalf("%s: status %d", resp.URL, resp.Status)
	}
}

// text returns the visible text of the first element sel matches.
func (h *headless) text(sel string) string {
	h.t.Helper()
	s, err := chromedp.Run(h.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		h.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// location returns the address of the page shown.
func (h *headless) location() string {
	h.t.Helper()
	s, err := chromedp.Run(h.ctx, chromedp.Location())
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// shot saves a PNG of the whole page as NN-name.png and returns its path.
func (h *headless) shot(name string) string {
	h.t.Helper()
	png, err := chromedp.Run(h.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		h.t.Fatalf("screenshot %s: %v", name, err)
	}
	h.n++
	p := filepath.Join(h.shots, fmt.Sprintf("%02d-%s.png", h.n, name))
	if err := os.WriteFile(p, png, 0o644); err != nil {
		h.t.Fatal(err)
	}
	return p
}

// jar returns an HTTP client whose cookie jar holds the browser's cookies for
// fd's own pages, so that test helpers written for net/http clients (such as
// captchaAnswer) can look up the browser's flow.
func (h *headless) jar(fd *frontdoor) *http.Client {
	h.t.Helper()
	u, err := url.Parse(fd.URL + "/.frontdoor/")
	if err != nil {
		h.t.Fatal(err)
	}
	res, err := chromedp.Call(h.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{u.String()}})
	if err != nil {
		h.t.Fatal(err)
	}
	var cs []*http.Cookie
	for _, c := range res.Cookies {
		cs = append(cs, &http.Cookie{Name: c.Name, Value: c.Value, Path: c.Path})
	}
	j, _ := cookiejar.New(nil)
	j.SetCookies(u, cs)
	return &http.Client{Jar: j}
}

// throwawayUser adds, as the slapd rootdn, a user that only this test uses,
// with a mail address of its own, and deletes it when the test ends.
func throwawayUser(t *testing.T, prefix, password string) (login, mail string) {
	t.Helper()
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	c := slapdRoot(t)
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	login = prefix + "-" + hex.EncodeToString(b)
	mail = login + "@example.test"
	dn := "uid=" + login + ",ou=people," + base
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"inetOrgPerson"})
	add.Attribute("uid", []string{login})
	add.Attribute("cn", []string{"Browser Walk"})
	add.Attribute("sn", []string{"Walk"})
	add.Attribute("mail", []string{mail})
	add.Attribute("userPassword", []string{password})
	if err := c.Add(add); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
	t.Cleanup(func() {
		if err := c.Del(ldap.NewDelRequest(dn, nil)); err != nil {
			t.Errorf("delete %s: %v", dn, err)
		}
	})
	return login, mail
}
