package registration_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/registration"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/postgres"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

var _ methods.Registrations = (*registration.Store)(nil)

type contact struct {
	Emails []string `json:"emails,omitempty"`
	Mobile string   `json:"mobile,omitempty"`
}

// storeTests run against every store: the encryption is the same, the
// compare-and-swap is each store's own.
var storeTests = []struct {
	name string
	fn   func(t *testing.T, st store.Store)
}{
	{"RoundTrip", testStoreRoundTrip},
	{"AtRest", testStoreAtRest},
	{"MovedToAnotherUser", testStoreMoved},
	{"Rotation", testStoreRotation},
	{"RemovedKey", testStoreRemovedKey},
	{"ParallelUpdates", testStoreParallel},
}

func TestStoreSQLite(t *testing.T) {
	for _, tt := range storeTests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "frontdoor.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			tt.fn(t, st)
		})
	}
}

func TestStorePostgres(t *testing.T) {
	dsn := testenv.PostgresDB(t)
	for _, tt := range storeTests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			tt.fn(t, st)
		})
	}
}

// user returns a user ID no other test uses, as the PostgreSQL tests share
// one database.
func user(t *testing.T) string { return "id-" + t.Name() + "-" + rand.Text()[:6] }

func regStore(t *testing.T, st store.Store, keys ...registration.Key) *registration.Store {
	if len(keys) == 0 {
		keys = []registration.Key{key("k1", 1)}
	}
	return &registration.Store{Regs: st.Registrations(), Keys: keyring(t, keys...)}
}

func testStoreRoundTrip(t *testing.T, st store.Store) {
	ctx, rs, alice := context.Background(), regStore(t, st), user(t)
	var c contact
	if found, err := rs.Section(ctx, alice, "contact", &c); found || err != nil {
		t.Fatalf("Section(unregistered) = %v, %v; want false, nil", found, err)
	}
	want := contact{Emails: []string{"alice@example.org"}, Mobile: "+33612345678"}
	if err := rs.SetSection(ctx, alice, "contact", want); err != nil {
		t.Fatal(err)
	}
	if err := rs.SetSection(ctx, alice, "app_code", map[string]string{"secret": "JBSWY3DP"}); err != nil {
		t.Fatal(err)
	}
	if found, err := rs.Section(ctx, alice, "contact", &c); !found || err != nil || !slices.Equal(c.Emails, want.Emails) || c.Mobile != want.Mobile {
		t.Fatalf("Section(contact) = %+v, %v, %v; want %+v", c, found, err, want)
	}
	if err := rs.SetSection(ctx, alice, "contact", nil); err != nil {
		t.Fatal(err)
	}
	if found, err := rs.Section(ctx, alice, "contact", &contact{}); found || err != nil {
		t.Errorf("Section(contact) after removing it = %v, %v; want false", found, err)
	}
	var app map[string]string
	if found, err := rs.Section(ctx, alice, "app_code", &app); !found || err != nil || app["secret"] != "JBSWY3DP" {
		t.Errorf("Section(app_code) = %v, %v, %v; the other section must stay", app, found, err)
	}
}

func testStoreAtRest(t *testing.T, st store.Store) {
	ctx, rs, alice := context.Background(), regStore(t, st), user(t)
	if err := rs.SetSection(ctx, alice, "contact", contact{Emails: []string{"alice@example.org"}, Mobile: "+33612345678"}); err != nil {
		t.Fatal(err)
	}
	reg, err := st.Registrations().Get(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	for _, clear := range []string{"alice@example.org", "+33612345678", "33612345678", "contact", "emails"} {
		if bytes.Contains(reg.Data, []byte(clear)) {
			t.Errorf("the stored row shows %q in clear", clear)
		}
	}
}

func testStoreMoved(t *testing.T, st store.Store) {
	ctx, rs, alice, mallory := context.Background(), regStore(t, st), user(t), user(t)
	if err := rs.SetSection(ctx, alice, "contact", contact{Emails: []string{"alice@example.org"}}); err != nil {
		t.Fatal(err)
	}
	reg, err := st.Registrations().Get(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Registrations().Put(ctx, store.Registration{User: mallory, Data: reg.Data}); err != nil {
		t.Fatal(err)
	}
	var c contact
	if found, err := rs.Section(ctx, mallory, "contact", &c); !errors.Is(err, registration.ErrTampered) {
		t.Errorf("Section() of a document copied from another user = %+v, %v, %v; want ErrTampered", c, found, err)
	}
	if err := rs.SetSection(ctx, mallory, "contact", contact{}); !errors.Is(err, registration.ErrTampered) {
		t.Errorf("SetSection() over a moved document = %v; want ErrTampered", err)
	}
}

func testStoreRotation(t *testing.T, st store.Store) {
	ctx, alice := context.Background(), user(t)
	old := regStore(t, st, key("2025", 1))
	if err := old.SetSection(ctx, alice, "contact", contact{Mobile: "+15550100"}); err != nil {
		t.Fatal(err)
	}
	rotated := regStore(t, st, key("2026", 2), key("2025", 1))
	var c contact
	if found, err := rotated.Section(ctx, alice, "contact", &c); !found || err != nil || c.Mobile != "+15550100" {
		t.Fatalf("Section() after adding a key = %+v, %v, %v", c, found, err)
	}
	// The read sealed the document again under the new key: the old key
	// can go.
	retired := regStore(t, st, key("2026", 2))
	if found, err := retired.Section(ctx, alice, "contact", &c); !found || err != nil || c.Mobile != "+15550100" {
		t.Fatalf("Section() after retiring the old key = %+v, %v, %v", c, found, err)
	}
}

func testStoreRemovedKey(t *testing.T, st store.Store) {
	ctx, alice := context.Background(), user(t)
	if err := regStore(t, st, key("2025", 1)).SetSection(ctx, alice, "contact", contact{Mobile: "+15550100"}); err != nil {
		t.Fatal(err)
	}
	_, err := regStore(t, st, key("2026", 2)).Section(ctx, alice, "contact", &contact{})
	if !errors.Is(err, registration.ErrUnknownKey) {
		t.Fatalf("Section() under a removed key = %v; want ErrUnknownKey", err)
	}
	if msg := err.Error(); !bytes.Contains([]byte(msg), []byte(`"2025"`)) {
		t.Errorf("the error %q does not name the missing key", msg)
	}
}

func testStoreParallel(t *testing.T, st store.Store) {
	ctx, rs, alice := context.Background(), regStore(t, st), user(t)
	const n = 12
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			var c contact
			errs[i] = rs.Update(ctx, alice, "contact", &c, func(bool) error {
				c.Emails = append(c.Emails, fmt.Sprintf("a%d@example.org", i))
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil && !errors.Is(err, store.ErrConflict) {
			t.Fatalf("Update %d = %v", i, err)
		}
	}
	var c contact
	if _, err := rs.Section(ctx, alice, "contact", &c); err != nil {
		t.Fatal(err)
	}
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		}
	}
	if len(c.Emails) != won || won == 0 {
		t.Errorf("%d updates succeeded but the section holds %d addresses: %v (an update was lost)", won, len(c.Emails), c.Emails)
	}
}
