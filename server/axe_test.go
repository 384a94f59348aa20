package server

import (
	"os"
	"strings"
	"sync"

	"github.com/chromedp/chromedp"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// axeViolation is one rule that axe-core found broken on a page.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// axeRun is the script that runs axe-core on the page shown and returns its
// violations, WCAG 2.2 A and AA plus best practices, in a short form.
const axeRun = `axe.run(document, {resultTypes: ['violations'],
	runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})
.then(r => ({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id,
	impact: v.impact || '', help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))}))`

// axeCheck runs axe-core (installed by `testenv/up.sh chromium`) on the page
// shown and returns its violations. The script goes in through the DevTools
// protocol: the page's CSP, which allows no script, is not loosened for it.
func (h *headless) axeCheck(page string) []axeViolation {
	h.t.Helper()
	path := testenv.Require(h.t, "chromium", "AXE_CORE_JS")[0]
	axeOnce.Do(func() {
		var b []byte
		b, axeErr = os.ReadFile(path)
		axeSource = string(b)
	})
	if axeErr != nil {
		h.t.Fatal(axeErr)
	}
	h.do(chromedp.Evaluate[chromedp.Void](axeSource))
	r, err := chromedp.Run(h.ctx, chromedp.Evaluate[struct {
		Passes     int            `json:"passes"`
		Violations []axeViolation `json:"violations"`
	}](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		h.t.Fatalf("axe on the %s page: %v", page, err)
	}
	if r.Passes == 0 {
		h.t.Fatalf("axe on the %s page checked nothing", page)
	}
	return r.Violations
}

// checkA11y fails the test on serious or critical axe-core violations of the
// page shown, and logs the others.
func (h *headless) checkA11y(page string) {
	h.t.Helper()
	for _, v := range h.axeCheck(page) {
		msg := "axe, " + page + " page: " + v.Impact + " " + v.ID + ": " + v.Help + " at " + strings.Join(v.Nodes, ", ")
		if v.Impact == "serious" || v.Impact == "critical" {
			h.t.Error(msg)
		} else {
			h.t.Log(msg)
		}
	}
}
