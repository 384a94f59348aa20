package budget

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/phone"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

func newBudget(t *testing.T, c config.Budgets) (*Budget, *[]Trip) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var trips []Trip
	return &Budget{Limits: st.Limits(), Config: c, Secret: []byte("k"),
		OnTrip: func(_ context.Context, tr Trip) { trips = append(trips, tr) }}, &trips
}

func num(e164, region string) phone.Number { return phone.Number{E164: e164, Region: region} }

func TestEachLimitTrips(t *testing.T) {
	big := 1000
	for _, tc := range []struct {
		limit string
		cfg   config.Budgets
		// sends returns the i-th send: kind, account, number.
		send func(i int) (Kind, string, phone.Number)
		max  int
	}{
		{"account", config.Budgets{PerAccountPerHour: 3, PerNumberPerDay: big, PerCountryPerHour: big, TextsPerHour: big, CallsPerHour: big},
			func(i int) (Kind, string, phone.Number) {
				return []Kind{Text, Call}[i%2], "id:alice", num("+1415555010"+string(rune('0'+i)), "US")
			}, 3},
		{"number", config.Budgets{PerAccountPerHour: big, PerNumberPerDay: 2, PerCountryPerHour: big, TextsPerHour: big, CallsPerHour: big},
			func(i int) (Kind, string, phone.Number) {
				return Text, "id:u" + string(rune('a'+i)), num("+14155550101", "US")
			}, 2},
		{"country", config.Budgets{PerAccountPerHour: big, PerNumberPerDay: big, PerCountryPerHour: 4, TextsPerHour: big, CallsPerHour: big},
			func(i int) (Kind, string, phone.Number) {
				return Text, "id:u" + string(rune('a'+i)), num("+44207946095"+string(rune('0'+i)), "GB")
			}, 4},
		{"global", config.Budgets{PerAccountPerHour: big, PerNumberPerDay: big, PerCountryPerHour: big, TextsPerHour: 5, CallsPerHour: big},
			func(i int) (Kind, string, phone.Number) {
				return Text, "id:u" + string(rune('a'+i)), num("+1415555010"+string(rune('0'+i)), "US")
			}, 5},
	} {
		t.Run(tc.limit, func(t *testing.T) {
			b, trips := newBudget(t, tc.cfg)
			ctx := context.Background()
			for i := range tc.max {
				k, acct, n := tc.send(i)
				if err := b.Spend(ctx, k, acct, n); err != nil {
					t.Fatalf("send %d refused: %v", i, err)
				}
			}
			k, acct, n := tc.send(tc.max)
			if err := b.Spend(ctx, k, acct, n); !errors.Is(err, ErrTripped) {
				t.Fatalf("send past the %s limit: %v", tc.limit, err)
			}
			if len(*trips) != 1 || (*trips)[0].Limit != tc.limit {
				t.Fatalf("trips %+v", *trips)
			}
			if tr := (*trips)[0]; strings.Contains(tr.To, n.E164[3:]) || !strings.HasSuffix(tr.To, n.E164[len(n.E164)-2:]) {
				t.Errorf("trip shows the number as %q", tr.To)
			}
		})
	}
}

func TestCallsHaveTheirOwnGlobalBudget(t *testing.T) {
	b, _ := newBudget(t, config.Budgets{PerAccountPerHour: 100, PerNumberPerDay: 100, PerCountryPerHour: 100, TextsPerHour: 1, CallsPerHour: 1})
	ctx := context.Background()
	if err := b.Spend(ctx, Text, "id:a", num("+14155550101", "US")); err != nil {
		t.Fatal(err)
	}
	if err := b.Spend(ctx, Call, "id:a", num("+14155550101", "US")); err != nil {
		t.Fatalf("the call was refused by the texts' budget: %v", err)
	}
	if err := b.Spend(ctx, Call, "id:b", num("+14155550102", "US")); !errors.Is(err, ErrTripped) {
		t.Fatalf("second call: %v", err)
	}
}

func TestIdleSpendsNothing(t *testing.T) {
	b, trips := newBudget(t, config.Budgets{PerAccountPerHour: 1, PerNumberPerDay: 1, PerCountryPerHour: 1, TextsPerHour: 1, CallsPerHour: 1})
	ctx := context.Background()
	for range 3 {
		if err := b.Idle(ctx, "flow-a"); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Spend(ctx, Text, "id:a", num("+14155550101", "US")); err != nil {
		t.Fatalf("Idle used the budget: %v", err)
	}
	if len(*trips) != 0 {
		t.Fatalf("trips %+v", *trips)
	}
}
