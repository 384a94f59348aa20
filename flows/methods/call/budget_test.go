package call

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	tollbudget "github.com/frontdoor-sspr/frontdoor/notify/budget"
	phonenum "github.com/frontdoor-sspr/frontdoor/phone"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

// TestCallsAndTextsShareTheAccountBudget: a call spends from the same
// per-account budget as the text method, which names the account "id:"
// and its stable ID.
func TestCallsAndTextsShareTheAccountBudget(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b := &tollbudget.Budget{Limits: st.Limits(), Secret: []byte("k"), Config: config.Budgets{
		TextsPerHour: 100, CallsPerHour: 100, PerNumberPerDay: 100, PerAccountPerHour: 1, PerCountryPerHour: 100}}
	parser := phonenum.Parser{}
	n, err := parser.Parse("+14155550101")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Spend(ctx, tollbudget.Text, "id:u1", n); err != nil {
		t.Fatalf("the text: %v", err)
	}
	ok, err := spend{b, parser}.AllowCall(ctx, "u1", "+14155550102")
	if err != nil || ok {
		t.Fatalf("a call after the account's one text of the hour: allowed %v, %v; want refused", ok, err)
	}
	if ok, err := (spend{b, parser}).AllowCall(ctx, "u2", "+14155550103"); err != nil || !ok {
		t.Fatalf("another account's call: allowed %v, %v", ok, err)
	}
}
