package server

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/postgres"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestResetWithPostgresStore is the reset walk with the PostgreSQL store, as
// several replicas would run it.
func TestResetWithPostgresStore(t *testing.T) {
	cfg := testConfig(t)
	cfg.Store.Driver = "postgres"
	cfg.Store.DSN = testenv.Require(t, "postgres", "POSTGRES_URL")[0]
	first := startFrontdoor(t, cfg)
	login, mail, _ := slapdUser(t)
	c, body := resetWalk(t, first, login, mail)
	// The last step goes to another replica on the same database.
	second := startFrontdoor(t, cfg)
	pw := "Replica-Harbour-Lantern-93"
	_, _, body = page(t, c, "POST", second.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("reset through the PostgreSQL store:\n%s", body)
	}
	if err := slapdBind(t, login, pw); err != nil {
		t.Fatal(err)
	}
}

// clockedStore is a store with a clock of its own, stopped at one instant.
type clockedStore struct {
	store.Store
	at time.Time
}

func (c clockedStore) Now() time.Time { return c.at }

// TestServerTakesTheStoresClock: a store that keeps a clock (PostgreSQL:
// the database server's, see store/postgres TestReplicasWithSkewedClocksAgree)
// is the clock flows and codes are stamped by; SQLite keeps none.
func TestServerTakesTheStoresClock(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	if got := storeClock(clockedStore{at: at})(); !got.Equal(at) {
		t.Errorf("the server's clock reads %v, not the store's %v", got, at)
	}
	var st *postgres.Store
	if _, ok := store.Store(st).(interface{ Now() time.Time }); !ok {
		t.Error("the PostgreSQL store has no clock for the server to take")
	}
	if storeAccountLock(st) == nil || storeAccountLock(clockedStore{}) != nil {
		t.Error("the server does not take the PostgreSQL store's account lock, or finds one in a store without")
	}
	if got := storeClock(clockedStore{}.Store)(); time.Since(got).Abs() > time.Minute {
		t.Errorf("without a store clock the server's reads %v", got)
	}
}
