package server

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// TestAuditTrailOfAReset (V-1): a reset with one wrong code leaves the
// events an auditor looks for, in order: started, identified, sent (with
// the destination masked), failed, passed, reset, and the notice to the
// owner (notice.sent). Each has its time, the client's IP, the request's
// ID and the browser's User-Agent, and none holds the code or a password.
func TestAuditTrailOfAReset(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, oldPassword := slapdUser(t)
	emptyMailbox(t, mail)
	ctx := context.Background()
	const ua = "Mozilla/5.0 (auditor's browser) Gecko/20100101 Firefox/140.0"
	c := browser(t)
	c.Transport = headerTransport{"User-Agent", ua}
	body, code := fd.atCode(t, c, login, mail)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {"00000000"}})
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {code}})
	const pw = "Audited-Harbour-Lantern-61"
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("no confirmation page:\n%s", body)
	}

	events, err := fd.srv.store.Audit().List(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for i := len(events) - 1; i >= 0; i-- { // oldest first
		ev := events[i]
		types = append(types, ev.Type)
		if ev.Time.IsZero() || ev.IP != "127.0.0.1" || len(ev.RequestID) != 32 || ev.Detail["user_agent"] != ua {
			t.Errorf("%s: time %v, ip %q, request ID %q, user agent %q", ev.Type, ev.Time, ev.IP, ev.RequestID, ev.Detail["user_agent"])
		}
		for _, secret := range []string{code, pw, oldPassword, mail} {
			if strings.Contains(ev.User+ev.Flow+ev.Outcome+strings.Join(mapValues(ev.Detail), " "), secret) {
				t.Errorf("%s holds %q", ev.Type, secret)
			}
		}
	}
	want := []string{audit.FlowStarted, audit.Identified, audit.MethodSent, audit.MethodFailed, audit.MethodPassed, audit.PasswordReset, audit.NoticeSent}
	if strings.Join(types, " ") != strings.Join(want, " ") {
		t.Fatalf("events %v, want %v", types, want)
	}
	// The notice to the owner: queued for the account's one address, named
	// by the account's key, as the reset's own event names it.
	notice, reset := events[0], events[1]
	if notice.Outcome != "queued" || notice.Detail["notice"] != "reset_done" || notice.Detail["addresses"] != "1" || notice.User != reset.User {
		t.Errorf("notice event: outcome %q, detail %v, user %q (the reset's %q)", notice.Outcome, notice.Detail, notice.User, reset.User)
	}
}

func mapValues(m map[string]string) []string {
	var vs []string
	for _, v := range m {
		vs = append(vs, v)
	}
	return vs
}
