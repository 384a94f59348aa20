package report

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/flows/signin"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/session"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// EventViewed is the audit event of a view of the page, or of a refusal
// (outcome "denied").
const EventViewed = audit.Viewed

// MaxRows is the most events the page lists; the count below the filters
// says when there were more.
const MaxRows = 500

// Periods are the periods the page offers, by their value in the query.
var Periods = []Period{
	{"1h", time.Hour, "audit.period.hour"},
	{"24h", 24 * time.Hour, "audit.period.day"},
	{"7d", 7 * 24 * time.Hour, "audit.period.week"},
	{"30d", 30 * 24 * time.Hour, "audit.period.month"},
}

// Period is one choice of the period filter.
type Period struct {
	Value string
	D     time.Duration
	Label string // catalog message
}

// Options configure the page.
type Options struct {
	Prefix string
	// Readers are the directory groups whose members may read the page.
	Readers []string
}

// Deps are what the page uses.
type Deps struct {
	Sessions *session.Manager
	// Directory must be an idp.GroupMember.
	Directory idp.Directory
	// Events are the audit events the page lists; Log records its own.
	Events store.Audit
	Log    *audit.Log
	// Limits keeps one refusal per account and window in the audit log.
	Limits store.Limits
	Pages  *web.Pages
	CSRF   *web.CSRF
	Now    func() time.Time
}

// Page is the page's data.
type Page struct {
	Login   string
	Periods []Period
	Query   Query
	// Error is the catalog message for a filter that was refused; the
	// page then lists nothing.
	Error     string
	Events    []Row
	Truncated bool
	// Max is MaxRows, for the page's words.
	Max     int
	Counts  []Count
	SignOut string
}

// Query is the page's filters, as the reader gave them.
type Query struct {
	Period, Type, User string
}

// Row is one event as the page shows it.
type Row struct {
	Time, Type, Outcome, User, IP, Flow, RequestID string
	// Detail is the event's details as "key=value" pairs, sorted by key.
	Detail []string
}

// row formats e: the time in UTC to the second, the flow's ID cut to its
// first 8 characters, as the log lines have it.
func row(e store.Event) Row {
	r := Row{Time: e.Time.UTC().Format("2006-01-02 15:04:05 UTC"), Type: e.Type, Outcome: e.Outcome, User: e.User,
		IP: e.IP, Flow: e.Flow[:min(len(e.Flow), 8)], RequestID: e.RequestID}
	for _, k := range slices.Sorted(maps.Keys(e.Detail)) {
		r.Detail = append(r.Detail, k+"="+e.Detail[k])
	}
	return r
}

// Count is the number of listed events of one type and outcome.
type Count struct {
	Type, Outcome string
	N             int
}

// Flow is the page.
type Flow struct {
	opt Options
	Deps
}

// New returns the page.
func New(o Options, d Deps) *Flow { return &Flow{opt: o, Deps: d} }

// Register mounts GET PREFIX/audit. Any live session will do, however old
// its sign-in (within sessions.lifetime): the page changes nothing, and the
// reader's account and groups are read again on every request.
func (f *Flow) Register(mux *http.ServeMux) {
	signedIn := f.Sessions.RequireRecent(0, f.opt.Prefix+"signin")
	mux.Handle("GET "+f.opt.Prefix+"audit", signedIn(f.Pages.Handle(f.show)))
}

// deniedWindow is the period within which an account's refusals are one
// audit event: a non-reader reloading the page adds nothing more.
const deniedWindow = 10 * time.Minute

var (
	errNotReader = errors.New("report: the signed-in account may not read the audit log (in no audit.readers group, or disabled, expired, locked or renamed)")
	typeRE       = regexp.MustCompile(`^[a-z_]+\.[a-z_]+$`)
)

func (f *Flow) show(w http.ResponseWriter, r *http.Request) error {
	u, _, _ := f.Sessions.Current(r)
	ok, err := f.reader(r.Context(), u)
	if err != nil {
		return web.Down("directory", err)
	}
	if !ok {
		key := gate.AccountKey(u)
		gate.RecordRefusal(r, f.Limits, f.Log, "audit-denied:"+key, deniedWindow, store.Event{Type: EventViewed, User: key, Outcome: "denied"})
		return web.WithStatus(http.StatusForbidden, errNotReader)
	}
	d := Page{Login: u.Login, Periods: Periods, SignOut: "signout", Max: MaxRows}
	token := f.CSRF.Token(w, r, signin.Binding(u)) // for the sign-out form
	q, period, msg := parse(r.URL.Query())
	d.Query = q
	if msg != "" {
		d.Error = msg
		f.render(w, r, http.StatusBadRequest, d, token)
		return nil
	}
	events, err := f.list(r.Context(), store.Filter{Since: f.Now().Add(-period), Type: q.Type, User: q.User, Limit: MaxRows + 1})
	if err != nil {
		return err
	}
	d.Truncated = len(events) > MaxRows
	events = events[:min(len(events), MaxRows)]
	for _, e := range events {
		d.Events = append(d.Events, row(e))
	}
	d.Counts = count(events)
	f.Log.Record(r, store.Event{Type: EventViewed, User: gate.AccountKey(u), Outcome: "ok",
		Detail: map[string]string{"filter_period": q.Period, "filter_type": q.Type, "filter_user": q.User}})
	f.render(w, r, http.StatusOK, d, token)
	return nil
}

func (f *Flow) render(w http.ResponseWriter, r *http.Request, status int, d Page, token string) {
	f.Pages.Render(w, r, status, "audit_log", templates.View{CSRFToken: token, Data: d})
}

// list returns the events that pass flt, newest first. The flows name an
// account "id:" and its ID, the sign-in, change and registration events by
// the ID alone: an account filter of either form finds both.
func (f *Flow) list(ctx context.Context, flt store.Filter) ([]store.Event, error) {
	events, err := f.Events.List(ctx, flt)
	id, prefixed := strings.CutPrefix(flt.User, "id:")
	if err != nil || flt.User == "" {
		return events, err
	}
	if prefixed {
		flt.User = id
	} else {
		flt.User = "id:" + flt.User
	}
	more, err := f.Events.List(ctx, flt)
	events = append(events, more...)
	slices.SortFunc(events, func(a, b store.Event) int {
		return cmp.Or(b.Time.Compare(a.Time), cmp.Compare(b.ID, a.ID))
	})
	return events[:min(len(events), flt.Limit)], err
}

// reader tells whether u, as the directory has it now, is in one of the
// reader groups, and may still sign in: a disabled, expired or
// administrator-locked account reads nothing, whatever its session.
func (f *Flow) reader(ctx context.Context, u idp.User) (bool, error) {
	gm, ok := f.Directory.(idp.GroupMember)
	if !ok {
		return false, errors.New("report: the directory cannot tell group membership")
	}
	now, err := f.Directory.Lookup(ctx, u.Login)
	switch {
	case errors.Is(err, idp.ErrNotFound), errors.Is(err, idp.ErrAmbiguous):
		return false, nil
	case err != nil:
		return false, err
	case now.ID != u.ID:
		return false, nil // the login names another account since the sign-in
	case now.Disabled, now.Expired, now.PermanentlyLocked:
		return false, nil
	}
	for _, g := range f.opt.Readers {
		if in, err := gm.IsMember(ctx, now, g); err != nil || in {
			return in, err
		}
	}
	return false, nil
}

// maxUserKey bounds the account filter: "id:" and a backend's ID, or a
// login's keyed digest, with room to spare.
const maxUserKey = 512

// parse reads the filters; msg names what is wrong with them.
func parse(v url.Values) (q Query, period time.Duration, msg string) {
	q = Query{Period: v.Get("period"), Type: v.Get("type"), User: v.Get("user")}
	if q.Period == "" {
		q.Period = "24h"
	}
	i := slices.IndexFunc(Periods, func(p Period) bool { return p.Value == q.Period })
	switch {
	case len(v["period"]) > 1 || len(v["type"]) > 1 || len(v["user"]) > 1:
		return q, 0, "audit.error.repeated"
	case i < 0:
		return q, 0, "audit.error.period"
	case q.Type != "" && (len(q.Type) > 64 || !typeRE.MatchString(q.Type)):
		return q, 0, "audit.error.type"
	case len(q.User) > maxUserKey || !utf8.ValidString(q.User) || strings.ContainsFunc(q.User, unicode.IsControl):
		return q, 0, "audit.error.user"
	}
	return q, Periods[i].D, ""
}

// count tallies events by type and outcome, the most frequent first.
func count(events []store.Event) []Count {
	n := map[[2]string]int{}
	for _, e := range events {
		n[[2]string{e.Type, e.Outcome}]++
	}
	out := make([]Count, 0, len(n))
	for k, v := range n {
		out = append(out, Count{k[0], k[1], v})
	}
	slices.SortFunc(out, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Outcome, b.Outcome))
	})
	return out
}
