package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestUnlockAndResetOnTwoReplicas (E-5): a locked-out account's unlock,
// confirmed at one replica, and its reset, which keeps the lockout, sent to
// another at the same instant. Whatever the order, the account ends
// unlocked with the new password, as when the two run one after the other:
// the replicas take turns on the account through the PostgreSQL store.
func TestUnlockAndResetOnTwoReplicas(t *testing.T) {
	cfg := testConfig(t)
	cfg.Store.Driver = "postgres"
	cfg.Store.DSN = testenv.PostgresDB(t) // a database of its own: the limits start empty
	first, second := startFrontdoor(t, cfg), startFrontdoor(t, cfg)
	login, mail, password := slapdUser(t)
	for round := range 2 {
		slapdLockOut(t, login, password)
		emptyMailbox(t, mail)
		unlocker := browser(t)
		body, code := first.atCodeIn(t, unlocker, "unlock", login, mail)
		_, _, confirm := page(t, unlocker, "POST", first.URL+"/.frontdoor/unlock/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {code}})
		if !strings.Contains(confirm, "Unlock my account") {
			t.Fatalf("round %d: no unlock confirmation:\n%s", round, confirm)
		}
		emptyMailbox(t, mail)
		resetter := browser(t)
		body, code = second.atCode(t, resetter, login, mail)
		_, _, form := page(t, resetter, "POST", second.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {code}})
		if !strings.Contains(form, `name="confirm"`) {
			t.Fatalf("round %d: no new-password form:\n%s", round, form)
		}

		next := fmt.Sprintf("Two-Replicas-Lantern-%d-%s", round, time.Now().Format("150405"))
		start := make(chan struct{})
		var wg sync.WaitGroup
		var unlocked, reset int
		wg.Go(func() {
			<-start
			unlocked, _, _ = page(t, unlocker, "POST", first.URL+"/.frontdoor/unlock/confirm", url.Values{"csrf_token": {csrf(t, confirm)}})
		})
		wg.Go(func() {
			<-start
			reset, _, _ = page(t, resetter, "POST", second.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, form)}, "password": {next}, "confirm": {next}})
		})
		close(start)
		wg.Wait()
		if unlocked != http.StatusOK || reset != http.StatusOK {
			t.Fatalf("round %d: unlock %d, reset %d", round, unlocked, reset)
		}
		if lock := slapdLockTime(t, login); lock != "" {
			t.Fatalf("round %d: the account is locked again (%s) after an unlock beside a reset", round, lock)
		}
		slapdPasswordIs(t, login, next, password)
		password = next
	}
}
