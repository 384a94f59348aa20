package server

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// storeRows counts the rows of every table a request could write to, from
// the SQLite file itself.
func storeRows(t *testing.T, dsn string) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dsn+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := map[string]int{}
	for _, table := range []string{"flows", "codes", "limit_hits", "limit_blocks", "audit_events", "registrations"} {
		var c int
		if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&c); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		n[table] = c
	}
	return n
}

// TestBareRequestsStoreNothing: 1,000 GET and HEAD requests of the start
// pages of reset, unlock and the helpdesk, without cookies as a script
// sends them, leave the store as it was: no flow, no audit event, no limit
// row. The flow is stored when its first form comes back, once.
func TestBareRequestsStoreNothing(t *testing.T) {
	cfg := testConfig(t)
	cfg.Helpdesk = &config.Helpdesk{Email: "helpdesk@example.test"}
	fd := startFrontdoor(t, cfg)
	before := storeRows(t, cfg.Store.DSN)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	paths := []string{"reset", "unlock", "helpdesk", "reset?return_to=%2Fsimplesaml%2F"}
	for i := range 1000 {
		method := http.MethodGet
		if i%5 == 4 {
			method = http.MethodHead
		}
		req, _ := http.NewRequest(method, fd.URL+"/.frontdoor/"+paths[i%len(paths)], nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: status %d", method, req.URL, resp.StatusCode)
		}
	}
	after := storeRows(t, cfg.Store.DSN)
	for table, n := range after {
		if n != before[table] {
			t.Errorf("1,000 bare requests changed %s from %d to %d rows", table, before[table], n)
		}
	}

	// The form coming back stores the flow; the same offer sent again
	// stores nothing more.
	b := browser(t)
	_, _, body := page(t, b, "GET", fd.URL+"/.frontdoor/reset", nil)
	form := url.Values{"csrf_token": {csrf(t, body)}, "login": {"nobody-" + strings.Repeat("x", 8)}, "captcha": {fd.captchaAnswer(t, b, "reset")}}
	base, _ := url.Parse(fd.URL + "/.frontdoor/")
	offered := b.Jar.Cookies(base)
	page(t, b, "POST", fd.URL+"/.frontdoor/reset/identify", form)
	kept := storeRows(t, cfg.Store.DSN)
	if kept["flows"] != after["flows"]+1 || kept["audit_events"] != after["audit_events"]+2 {
		t.Errorf("the first form stored %d flows and %d events, want 1 and 2 (started, identified)",
			kept["flows"]-after["flows"], kept["audit_events"]-after["audit_events"])
	}
	replay := browser(t)
	replay.Jar.SetCookies(base, offered)
	status, u, _ := page(t, replay, "POST", fd.URL+"/.frontdoor/reset/identify", form)
	if n := storeRows(t, cfg.Store.DSN)["flows"]; n != kept["flows"] || u.Path != "/.frontdoor/reset" {
		t.Errorf("the offer sent again: status %d at %s, %d flows (want %d)", status, u.Path, n, kept["flows"])
	}
}

// TestRepeatedFormsStoreBounded: one client sending the identify form 200
// times with one offer (as a script would) stores one flow and a bounded
// number of rows: the per-client limit's window, and one refusal event, not
// one per request.
func TestRepeatedFormsStoreBounded(t *testing.T) {
	cfg := testConfig(t)
	fd := startFrontdoor(t, cfg)
	b := browser(t)
	_, _, body := page(t, b, "GET", fd.URL+"/.frontdoor/reset", nil)
	form := url.Values{"csrf_token": {csrf(t, body)}, "login": {"nobody-repeated"}, "captcha": {fd.captchaAnswer(t, b, "reset")}}
	base, _ := url.Parse(fd.URL + "/.frontdoor/")
	offered := b.Jar.Cookies(base)
	before := storeRows(t, cfg.Store.DSN)
	refused := 0
	for range 200 {
		c := browser(t)
		c.Jar.SetCookies(base, offered)
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", form)
		if status == http.StatusTooManyRequests {
			refused++
		}
	}
	after := storeRows(t, cfg.Store.DSN)
	if refused != 170 {
		t.Errorf("%d of 200 forms refused by the per-client limit, want 170", refused)
	}
	grew := func(table string) int { return after[table] - before[table] }
	// One flow, kept once; flow.started, flow.identified and one refusal.
	if grew("flows") != 1 || grew("audit_events") != 3 {
		t.Errorf("200 forms stored %d flows and %d events, want 1 and 3", grew("flows"), grew("audit_events"))
	}
	// The 30 hits of the window, the offer kept once, the refusal noted once.
	if grew("limit_hits") > 32 {
		t.Errorf("200 forms stored %d limit rows, want at most 32", grew("limit_hits"))
	}
}
