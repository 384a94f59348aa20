package flowtest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// Chromium is a headless Chromium for the flows' browser tests: a virtual
// passkey authenticator (CTAP2.1, resident keys, user verification on) and
// a record of what broke the pages' policy or threw.
type Chromium struct {
	// Ctx is the browser tab's context.
	Ctx context.Context
	// Authenticator is the virtual authenticator's ID.
	Authenticator webauthn.AuthenticatorID

	mu       sync.Mutex
	problems []string // CSP violations and script errors
}

// NewChromium starts exe headless for at most 90 seconds; the test's end
// stops it.
func NewChromium(t *testing.T, exe string) *Chromium {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
	)
	base, stop := context.WithTimeout(context.Background(), 90*time.Second)
	actx, acancel := chromedp.NewExecAllocator(base, opts...)
	c := &Chromium{}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(c.listen))
	t.Cleanup(func() { cancel(); acancel(); stop() })
	c.Ctx = ctx
	c.Do(t, chromedp.Navigate("about:blank"))
	if _, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
		Options: &webauthn.VirtualAuthenticatorOptions{Protocol: webauthn.AuthenticatorProtocolCtap2,
			Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
			HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true}})
	if err != nil {
		t.Fatal(err)
	}
	c.Authenticator = res.AuthenticatorID
	return c
}

// Do runs the actions in the tab, failing the test on an error.
func (c *Chromium) Do(t *testing.T, what ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(c.Ctx, what...); err != nil {
		t.Fatal(err)
	}
}

// Problems returns the CSP violations and script errors seen so far.
func (c *Chromium) Problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.problems...)
}

func (c *Chromium) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *cdplog.EventEntryAdded:
		if strings.Contains(ev.Entry.Text, "Content Security Policy") {
			msg = ev.Entry.Text
		}
	case *runtime.EventExceptionThrown:
		msg = "exception: " + ev.ExceptionDetails.Text
	}
	if msg != "" {
		c.mu.Lock()
		c.problems = append(c.problems, msg)
		c.mu.Unlock()
	}
}
