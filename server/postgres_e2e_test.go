package server

import (
	"net/url"
	"strings"
	"testing"

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
