package report_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/flows/report"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/session"
	"github.com/frontdoor-sspr/frontdoor/store"
)

const readers = "cn=auditors"

type fixture struct {
	env          *flowtest.Env
	m            *session.Manager
	carol, alice idp.User // carol reads the log, alice does not
}

// setup mounts the page with carol in the readers' group, and records
// four events.
func setup(t *testing.T) fixture {
	t.Helper()
	env := flowtest.New(t)
	f := fixture{env: env, carol: env.AddUser("carol"), alice: env.AddUser("alice")}
	env.Dir.AddToGroup(readers, f.carol.ID)
	f.m = env.Report("cn=other", readers)
	for _, e := range []store.Event{
		{Type: "password.reset", User: "id:id-alice", IP: "203.0.113.7", Outcome: "ok", Flow: "q3Xh0c1Lzz9",
			Detail: map[string]string{"user_agent": "<script>alert(1)</script>", "methods": "email"}},
		{Type: "flow.blocked", IP: "198.51.100.4", Outcome: "rate_limited", Detail: map[string]string{"limit": "identify_ip"}},
		{Type: "flow.blocked", IP: "198.51.100.5", Outcome: "rate_limited", Detail: map[string]string{"limit": "identify_ip"}},
		{Type: "password.changed", User: "id-alice", IP: "203.0.113.8", Outcome: "ok"}, // the change names the bare ID
	} {
		if err := env.Store.Audit().Append(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f fixture) as(u idp.User) *flowtest.Browser {
	b := f.env.Browser()
	b.SignIn(f.m, u, f.env.Clock.Now())
	return b
}

func TestReaderSeesEvents(t *testing.T) {
	f := setup(t)
	p := f.as(f.carol).Get("/.frontdoor/audit")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d\n%s", p.Status, p.Body)
	}
	for _, want := range []string{"You are signed in as carol", "password.reset", "id:id-alice", "203.0.113.7",
		"q3Xh0c1L<", // the flow's ID cut to 8 characters
		"user_agent=&lt;script&gt;alert(1)&lt;/script&gt;", "methods=email",
		"<td><code>flow.blocked</code></td><td>rate_limited</td><td>2</td>"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(p.Body, "<script>alert") || strings.Contains(p.Body, "q3Xh0c1Lzz9") {
		t.Error("markup from an event reached the page, or the whole flow ID")
	}
	if cc := p.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q: the page lists accounts and addresses", cc)
	}
	// Filters: one type, one account.
	p = f.as(f.carol).Get("/.frontdoor/audit?" + url.Values{"type": {"flow.blocked"}, "period": {"1h"}}.Encode())
	if p.Status != 200 || strings.Contains(p.Body, "id:id-alice") || strings.Count(p.Body, "198.51.100.") != 2 {
		t.Errorf("type filter: status %d\n%s", p.Status, p.Body)
	}
	// Either form of an account's key finds its events under both.
	for _, user := range []string{"id:id-alice", "id-alice"} {
		p = f.as(f.carol).Get("/.frontdoor/audit?user=" + url.QueryEscape(user))
		if p.Status != 200 || !strings.Contains(p.Body, "password.reset") || !strings.Contains(p.Body, "password.changed") || strings.Contains(p.Body, "198.51.100.") {
			t.Errorf("account filter %q: status %d\n%s", user, p.Status, p.Body)
		}
	}
	// Outside the period: two hours later, the 1h view is empty.
	f.env.Clock.Advance(2 * time.Hour)
	if p = f.as(f.carol).Get("/.frontdoor/audit?period=1h"); !strings.Contains(p.Body, "No event matches these filters.") {
		t.Errorf("an old event listed in the last hour:\n%s", p.Body)
	}
	// Every view is an event of its own, with the reader and the filters.
	views := f.env.Events(report.EventViewed)
	if len(views) != 5 || views[0].User != "id:id-carol" || views[0].Outcome != "ok" || views[0].Detail["filter_period"] != "1h" {
		t.Fatalf("views recorded: %+v", views)
	}
}

func TestNotAReader(t *testing.T) {
	f := setup(t)
	// Without a session: to the sign-in, coming back here.
	b := f.env.Browser()
	b.NoRedirects()
	if p := b.Get("/.frontdoor/audit"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/.frontdoor/signin?return_to=%2F.frontdoor%2Faudit") {
		t.Fatalf("no session: %d to %q", p.Status, p.Header.Get("Location"))
	}
	// Signed in, in no reader group: 403, nothing listed, the refusal recorded.
	p := f.as(f.alice).Get("/.frontdoor/audit")
	if p.Status != http.StatusForbidden || strings.Contains(p.Body, "203.0.113.7") {
		t.Fatalf("non-reader: status %d\n%s", p.Status, p.Body)
	}
	f.as(f.alice).Get("/.frontdoor/audit") // reloading adds no event
	if v := f.env.Events(report.EventViewed); len(v) != 1 || v[0].User != "id:id-alice" || v[0].Outcome != "denied" {
		t.Fatalf("refusals recorded as %+v; want one", v)
	}
	// Taken out of the group, a reader loses the page with the same session.
	b = f.as(f.carol)
	if p := b.Get("/.frontdoor/audit"); p.Status != 200 {
		t.Fatalf("reader: %d", p.Status)
	}
	f.env.Dir.RemoveFromGroup(readers, f.carol.ID)
	if p := b.Get("/.frontdoor/audit"); p.Status != http.StatusForbidden {
		t.Fatalf("after leaving the group: %d", p.Status)
	}
	// Disabled, expired or locked by an administrator: still in the group,
	// but the page is refused at once, with the same session.
	f.env.Dir.AddToGroup(readers, f.carol.ID)
	for name, state := range map[string]func(*idp.User){
		"disabled": func(u *idp.User) { u.Disabled = true },
		"expired":  func(u *idp.User) { u.Expired = true },
		"locked":   func(u *idp.User) { u.PermanentlyLocked = true },
	} {
		f.env.Dir.Update(f.carol.ID, state)
		if p := b.Get("/.frontdoor/audit"); p.Status != http.StatusForbidden {
			t.Fatalf("a reader now %s: status %d, want 403", name, p.Status)
		}
		f.env.Dir.Update(f.carol.ID, func(u *idp.User) { u.Disabled, u.Expired, u.PermanentlyLocked = false, false, false })
	}
	// The login now names another account (carol renamed, a new carol).
	renamed := f.env.Browser()
	renamed.SignIn(f.m, idp.User{ID: "id-old-carol", Login: "carol"}, f.env.Clock.Now())
	if p := renamed.Get("/.frontdoor/audit"); p.Status != http.StatusForbidden {
		t.Fatalf("a session of another account under the same login: %d", p.Status)
	}
	// A directory out of reach refuses the page, 503.
	f.env.Dir.FailLookups(idp.ErrUnavailable)
	if p := b.Get("/.frontdoor/audit"); p.Status != http.StatusServiceUnavailable || strings.Contains(p.Body, "203.0.113.7") {
		t.Fatalf("directory down: %d", p.Status)
	}
}

func TestBadFilters(t *testing.T) {
	f := setup(t)
	b := f.as(f.carol)
	for _, tc := range []struct{ query, want string }{
		{"period=2y", "Choose one of the periods offered."},
		{"type=" + url.QueryEscape("password.reset' OR 1=1"), "An event type is two words"},
		{"type=PASSWORD", "An event type is two words"},
		{"user=" + url.QueryEscape("dn:uid=x\x00"), "holds a control character"},
		{"user=" + strings.Repeat("a", 513), "too long"},
		{"period=1h&period=24h", "Give each filter once."},
	} {
		p := b.Get("/.frontdoor/audit?" + tc.query)
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, tc.want) || strings.Contains(p.Body, "203.0.113.7") {
			t.Errorf("%s: status %d, want 400 with %q and no events\n%s", tc.query, p.Status, tc.want, p.Body)
		}
	}
}
