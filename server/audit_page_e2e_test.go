package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAuditLogPage: a member of an audit.readers group signs in through
// SimpleSAMLphp (bound to slapd) and reads the audit log, filtered; a user
// in no reader group signs in as well and is refused the page.
func TestAuditLogPage(t *testing.T) {
	reader, _, readerPassword := slapdUser(t)
	other, _, otherPassword := slapdUser(t)
	cfg, registerSP := samlConfig(t)
	cfg.Audit.Readers = []string{slapdGroup(t, "fd-readers-", reader)}
	fd := startFrontdoor(t, cfg)
	registerSP(fd)
	fd.identify(t, browser(t), other) // an event to read

	c := browser(t)
	body := samlSignInAt(t, fd, c, "/.frontdoor/audit", reader, readerPassword)
	if !strings.Contains(body, "<h1>Audit log</h1>") || !strings.Contains(body, "You are signed in as "+reader) ||
		!strings.Contains(body, "<code>flow.identified</code>") {
		t.Fatalf("the audit log page after signing in:\n%s", body)
	}
	status, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/audit?"+url.Values{"type": {"flow.started"}, "period": {"1h"}}.Encode(), nil)
	if status != http.StatusOK || strings.Contains(body, "<code>flow.identified</code>") || !strings.Contains(body, "<code>flow.started</code>") {
		t.Fatalf("filtered by type: %d\n%s", status, body)
	}
	status, _, body = page(t, c, "GET", fd.URL+"/.frontdoor/audit?period=forever", nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "Choose one of the periods offered.") {
		t.Fatalf("a period not offered: %d\n%s", status, body)
	}

	status, _, body = samlSignInTo(t, fd, browser(t), "/.frontdoor/audit", other, otherPassword)
	if status != http.StatusForbidden || strings.Contains(body, "flow.identified") {
		t.Fatalf("a user in no reader group: %d\n%s", status, body)
	}
}
