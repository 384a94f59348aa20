package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// widths are the viewports every page is checked and photographed at: a
// laptop and a small phone.
var widths = []struct {
	name          string
	width, height int64
}{{"1280", 1280, 900}, {"360", 360, 740}}

// loadAny is load for a page whose status is not 200 (a form shown again
// with its error, an error page); it returns the status.
func (h *headless) loadAny(what ...chromedp.Action[chromedp.Void]) int64 {
	h.t.Helper()
	resp, err := chromedp.RunResponse(h.ctx, what...)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.Status
}

// evaluate runs a JavaScript expression in the page and returns its value.
func evaluate[T any](h *headless, expr string) T {
	h.t.Helper()
	v, err := chromedp.Run(h.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		h.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// checkWidths looks at the page shown at each width: nothing may scroll
// sideways, and with $FRONTDOOR_SCREENSHOTS set (make screenshots) a
// screenshot named NAME-WIDTH.png goes there. The footer must follow the
// card, not sit at the window's bottom edge. The viewport is left at
// 1280.
func (h *headless) checkWidths(name string) { h.widths(name, true) }

// widths checks (when own, a page of frontdoor's) and photographs the page
// at each width.
func (h *headless) widths(name string, own bool) {
	h.t.Helper()
	dir := os.Getenv("FRONTDOOR_SCREENSHOTS")
	for _, w := range widths {
		h.do(chromedp.EmulateViewport(w.width, w.height))
		if own && evaluate[bool](h, `document.documentElement.scrollWidth > document.documentElement.clientWidth`) {
			h.t.Errorf("%s at %s px: the page scrolls sideways", name, w.name)
		}
		if own && !evaluate[bool](h, `(() => { const f = document.querySelector("footer.site"), m = document.querySelector("main");
			return !f || f.getBoundingClientRect().top - m.getBoundingClientRect().bottom < 48 })()`) {
			h.t.Errorf("%s at %s px: the footer is not under the card", name, w.name)
		}
		if dir != "" {
			// The viewport alone when the page fits in it: Chromium's full-page
			// capture shifts a short right-to-left page sideways.
			shot := chromedp.FullScreenshot(100)
			if evaluate[bool](h, `document.documentElement.scrollHeight <= window.innerHeight`) {
				shot = chromedp.CaptureScreenshot()
			}
			png, err := chromedp.Run(h.ctx, shot)
			if err != nil {
				h.t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name+"-"+w.name+".png"), png, 0o644); err != nil {
				h.t.Fatal(err)
			}
		}
	}
	h.do(chromedp.EmulateViewport(1280, 900))
}

// TestBrowserPagesAtEveryWidth walks every page a user meets, in headless
// Chromium, at 1280 and 360 px: nothing scrolls sideways, each step has its
// way out, the user ID survives a wrong CAPTCHA, the code page tells the
// tries left, and the show-password button works under the pages' CSP. With
// FRONTDOOR_SCREENSHOTS=docs/screenshots it makes the screenshots of the
// docs (make screenshots).
func TestBrowserPagesAtEveryWidth(t *testing.T) {
	start := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	mp := testenv.Mailpit(t)
	b := startChromium(t, 3*time.Minute)
	cfg := testConfig(t)
	cfg.Upstream.SignInURL = start
	cfg.Helpdesk = &config.Helpdesk{Email: helpdeskAddress(t)}
	fd := startFrontdoor(t, cfg)
	login, mail := throwawayUser(t, "pages", "Pages-Start-2026!")
	const submit = "main form button[type=submit]"

	b.load(chromedp.Navigate(fd.URL + start))
	b.do(chromedp.WaitVisible(chromedp.ID("username")))
	b.widths("00-signin", false) // SimpleSAMLphp's own page: not ours to fit
	b.load(chromedp.Click(chromedp.CSS(`a.frontdoor-link[href^="/.frontdoor/reset?"]`)))

	b.do(chromedp.WaitVisible(chromedp.ID("f-captcha")))
	if hint := b.text("#f-captcha-hint"); !strings.Contains(hint, "6 digits") {
		t.Errorf("the CAPTCHA's hint does not say how many digits: %q", hint)
	}
	b.checkWidths("01-identify")
	// A wrong CAPTCHA: the user ID stays, with the error.
	b.do(chromedp.SendKeys(chromedp.ID("f-login"), login), chromedp.SendKeys(chromedp.ID("f-captcha"), "000000"))
	if status := b.loadAny(chromedp.Click(chromedp.CSS(submit))); status != 422 {
		t.Errorf("wrong CAPTCHA: status %d", status)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	if kept := evaluate[string](b, `document.getElementById("f-login").value`); kept != login {
		t.Errorf("after a wrong CAPTCHA the user ID reads %q, want %q", kept, login)
	}
	b.checkWidths("02-identify-wrong-captcha")
	b.do(chromedp.SendKeys(chromedp.ID("f-captcha"), fd.captchaAnswer(t, b.jar(fd), "reset")))
	b.load(chromedp.Click(chromedp.CSS(submit)))

	b.do(chromedp.WaitVisible(chromedp.ID("m-email")))
	b.checkWidths("03-method")
	b.load(chromedp.Click(chromedp.CSS(submit)))

	b.do(chromedp.WaitVisible(chromedp.ID("f-code")))
	b.checkWidths("04-verify")
	msg, err := mp.WaitFor(context.Background(), mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) })
	if err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SendKeys(chromedp.ID("f-code"), "11111111"))
	b.loadAny(chromedp.Click(chromedp.CSS(submit)))
	b.do(chromedp.WaitVisible(chromedp.ID("tries-left")))
	if tries := b.text("#tries-left"); !strings.Contains(tries, "5 tries left") {
		t.Errorf("after a wrong code: %q", tries)
	}
	b.checkWidths("05-verify-wrong-code")
	b.do(chromedp.SendKeys(chromedp.ID("f-code"), codeRE.FindStringSubmatch(msg.Text)[1]))
	b.load(chromedp.Click(chromedp.CSS(submit)))

	// The show-password button: added by the script, it shows and hides.
	b.do(chromedp.WaitVisible(chromedp.CSS("#f-password + button.reveal")))
	typ := func() string { return evaluate[string](b, `document.getElementById("f-password").type`) }
	b.do(chromedp.SendKeys(chromedp.ID("f-password"), "Quartz-Meadow-Harbor-83"))
	b.do(chromedp.Click(chromedp.CSS("#f-password + button.reveal")))
	if got, label := typ(), b.text("#f-password + button.reveal"); got != "text" || label != "Hide password" {
		t.Errorf("after Show password: type %q, button %q", got, label)
	}
	b.checkWidths("06-password-shown")
	b.do(chromedp.Click(chromedp.CSS("#f-password + button.reveal")))
	if got := typ(); got != "password" {
		t.Errorf("after Hide password: type %q", got)
	}
	b.do(chromedp.SendKeys(chromedp.ID("f-confirm"), "Quartz-Meadow-Harbor-83"))
	b.load(chromedp.Click(chromedp.CSS(submit)))

	b.do(chromedp.WaitVisible(chromedp.CSS("a.button")))
	b.checkWidths("07-done")

	// The unlock flow's own pages: the confirmation and its end.
	if err := mp.Delete(context.Background(), mail); err != nil {
		t.Fatal(err)
	}
	b.load(chromedp.Navigate(fd.URL + start))
	b.do(chromedp.WaitVisible(chromedp.ID("username")))
	b.load(chromedp.Click(chromedp.CSS(`a.frontdoor-link[href^="/.frontdoor/unlock?"]`)))
	b.do(chromedp.WaitVisible(chromedp.ID("f-captcha")))
	b.do(chromedp.SendKeys(chromedp.ID("f-login"), login),
		chromedp.SendKeys(chromedp.ID("f-captcha"), fd.captchaAnswer(t, b.jar(fd), "unlock")))
	b.load(chromedp.Click(chromedp.CSS(submit)))
	b.do(chromedp.WaitVisible(chromedp.ID("m-email")))
	b.load(chromedp.Click(chromedp.CSS(submit)))
	b.do(chromedp.WaitVisible(chromedp.ID("f-code")))
	msg, err = mp.WaitFor(context.Background(), mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) })
	if err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SendKeys(chromedp.ID("f-code"), codeRE.FindStringSubmatch(msg.Text)[1]))
	b.load(chromedp.Click(chromedp.CSS(submit)))
	b.do(chromedp.WaitVisible(chromedp.CSS("a.cancel")))
	b.checkWidths("08-unlock-confirm")
	b.load(chromedp.Click(chromedp.CSS(submit)))
	b.do(chromedp.WaitVisible(chromedp.CSS("a.button")))
	b.checkWidths("09-unlock-done")

	b.load(chromedp.Navigate(fd.URL + "/.frontdoor/helpdesk"))
	b.do(chromedp.WaitVisible(chromedp.ID("f-message")))
	boxes := evaluate[[]float64](b, `[document.getElementById("f-message").offsetWidth, document.getElementById("f-login").offsetWidth]`)
	if len(boxes) != 2 || boxes[0] != boxes[1] {
		t.Errorf("the message box and the user ID field differ in width: %v", boxes)
	}
	b.checkWidths("10-helpdesk")

	b.loadAny(chromedp.Navigate(fd.URL + "/.frontdoor/no-such-page"))
	b.checkWidths("11-error")

	b.load(chromedp.Navigate(fd.URL + "/.frontdoor/reset?lang=ar"))
	b.do(chromedp.WaitVisible(chromedp.ID("f-captcha")))
	b.checkWidths("12-identify-ar")

	// A stopped flow (descriptive disclosure, an unknown user ID).
	dcfg := testConfig(t)
	dcfg.Upstream.SignInURL = start
	dcfg.Reset.Disclosure = config.DisclosureDescriptive
	dfd := startFrontdoor(t, dcfg)
	b.load(chromedp.Navigate(dfd.URL + "/.frontdoor/reset?lang=en"))
	b.do(chromedp.WaitVisible(chromedp.ID("f-captcha")))
	b.do(chromedp.SendKeys(chromedp.ID("f-login"), "no-such-user-"+login),
		chromedp.SendKeys(chromedp.ID("f-captcha"), dfd.captchaAnswer(t, b.jar(dfd), "reset")))
	b.load(chromedp.Click(chromedp.CSS(submit)))
	b.do(chromedp.WaitVisible(chromedp.CSS("p.actions")))
	b.checkWidths("13-stopped")
	b.load(chromedp.Navigate(dfd.URL + "/.frontdoor/reset/step?lang=ar"))
	b.do(chromedp.WaitVisible(chromedp.CSS("p.actions")))
	b.checkWidths("14-stopped-ar")

	console, csp := b.messages()
	for _, m := range console {
		t.Log("console: " + m)
	}
	for _, m := range csp {
		t.Error("CSP violation: " + m)
	}
}
