package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// TestParallelCodesPassOnce (E-3): the mailed code and 49 wrong ones,
// posted at once in one flow. At most one post passes the gate, and only
// the right code's (told apart by request ID). Every wrong code answered as
// wrong is a failure in the audit and counts toward the account's limit:
// unless the right code came first, the burst ends with the account's
// reset flows blocked. (Posts that lose the race are sent to the step the
// flow is at: 303 or 409.)
func TestParallelCodesPassOnce(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, _ := slapdUser(t)
	emptyMailbox(t, mail)
	ctx := context.Background()
	c := browser(t)
	body, code := fd.atCode(t, c, login, mail)
	token := csrf(t, body)

	const n = 50
	statuses := make([]int, n)
	wrongPages := make([]bool, n)
	ids := make([]string, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		guess := code
		if i > 0 {
			guess = fmt.Sprintf("%08d", i)
			if guess == code {
				guess = fmt.Sprintf("%08d", 99_000_000+i)
			}
		}
		wg.Go(func() {
			<-start
			resp, err := noFollow(c).PostForm(fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {token}, "code": {guess}})
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			statuses[i], ids[i] = resp.StatusCode, resp.Header.Get("X-Request-Id")
			wrongPages[i] = resp.StatusCode == http.StatusUnprocessableEntity && strings.Contains(string(b), `name="code"`)
		})
	}
	close(start)
	wg.Wait()

	events := func(typ string) []store.Event {
		t.Helper()
		ev, err := fd.srv.store.Audit().List(ctx, store.Filter{Type: typ})
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	passed, failed, blocked := events(audit.MethodPassed), events(audit.MethodFailed), events(audit.Blocked)
	answeredWrong := 0
	for i, st := range statuses {
		if st >= 500 {
			t.Errorf("post %d: status %d", i, st)
		}
		if wrongPages[i] {
			answeredWrong++
		}
	}
	for _, ev := range passed {
		if ev.RequestID == "" || ev.RequestID != ids[0] {
			t.Errorf("the gate was passed by request %q, not by the right code's (%q)", ev.RequestID, ids[0])
		}
	}
	t.Logf("statuses %v; %d passed, %d failures, %d blocks in the audit", statuses, len(passed), len(failed), len(blocked))
	if len(passed) > 1 {
		t.Fatalf("the gate was passed %d times", len(passed))
	}
	if len(failed) < answeredWrong {
		t.Errorf("%d posts answered as wrong codes, %d failures in the audit: every one must count", answeredWrong, len(failed))
	}
	if len(passed) == 0 && len(blocked) == 0 {
		t.Errorf("no post passed and the account was not blocked after %d failures", len(failed))
	}

	// The browser is where the audit says: at the new-password form when
	// the gate was passed, stopped when the account was blocked.
	_, _, body = page(t, c, "GET", fd.URL+"/.frontdoor/reset/step", nil)
	if atForm := strings.Contains(body, `name="confirm"`); atForm != (len(passed) == 1) {
		t.Errorf("%d passes in the audit, new-password form shown %v:\n%s", len(passed), atForm, body)
	}
}
