package flowtest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Localhost is a listener for a passkey browser test's site: WebAuthn needs
// a secure context and a domain as relying party ID, and localhost is both.
type Localhost struct {
	ln net.Listener
	// Origin is the site's origin, http://localhost:PORT.
	Origin string
}

// ListenLocalhost opens the site's listener; Serve serves it.
func ListenLocalhost(t *testing.T) *Localhost {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return &Localhost{ln: ln, Origin: fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)}
}

// Serve serves h on the site until the test ends.
func (l *Localhost) Serve(t *testing.T, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l.ln)
	t.Cleanup(func() { srv.Close() })
}

// SubmitNewPassword types pw twice on the reset's password page, submits it
// and waits, within ctx, for the page to go.
func (c *Chromium) SubmitNewPassword(t *testing.T, ctx context.Context, pw string) {
	t.Helper()
	c.Do(t, chromedp.SendKeys(chromedp.ID("f-password"), pw), chromedp.SendKeys(chromedp.ID("f-confirm"), pw),
		chromedp.Submit(chromedp.ID("f-password")))
	if err := chromedp.Do(ctx, chromedp.WaitNotPresent(chromedp.ID("f-password"))); err != nil {
		t.Fatal(err)
	}
}
