package helpdesk_test

import (
	"net/http"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows/helpdesk"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// TestHelpdeskUnknownHandlesLimited (F-3): the helpdesk form's pages count
// requests whose cookie names no flow as the reset and unlock pages do:
// the 21st from one address in 10 minutes is refused, 429.
func TestHelpdeskUnknownHandlesLimited(t *testing.T) {
	env := flowtest.New(t)
	env.Helpdesk(helpdesk.Options{}, nil)
	paths := []string{"/.frontdoor/helpdesk/sent", "/.frontdoor/helpdesk/captcha.png", "/.frontdoor/helpdesk/captcha.wav"}
	statuses := map[int]int{}
	for i := range 21 {
		b := env.Browser()
		b.NoRedirects()
		b.SetCookie("frontdoor_helpdesk", store.NewID())
		statuses[b.Get(paths[i%len(paths)]).Status]++
	}
	if statuses[http.StatusTooManyRequests] != 1 || statuses[http.StatusSeeOther]+statuses[http.StatusNotFound] != 20 {
		t.Fatalf("statuses %v: want 20 sent to the form (303) or not found (404), the 21st refused", statuses)
	}
	if evs := env.Events(audit.Blocked); len(evs) != 1 || evs[0].Detail["limit"] != "unknown_flow_ip" {
		t.Fatalf("audit %+v", evs)
	}
}
