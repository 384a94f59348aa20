package methods

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

// TestIssueKeepsNoDestinationInClear: the send limits key on a keyed
// digest of the destination, so the store's files never hold an address
// or a number that a code went to (the Security info page issues codes to
// numbers and addresses being registered).
func TestIssueKeepsNoDestinationInClear(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	fl := store.Flow{ID: store.NewID(), Kind: store.KindRegister, Step: "code", ExpiresAt: time.Now().Add(15 * time.Minute)}
	if err := st.Flows().Create(context.Background(), fl); err != nil {
		t.Fatal(err)
	}
	s := &CodeService{Codes: st.Codes(), Limits: st.Limits(), Secret: []byte("0123456789abcdef0123456789abcdef"), Now: time.Now}
	u := &idp.User{ID: "u1"}
	for _, to := range []string{"+447700900123", "Someone.Private@Example.test"} {
		if _, err := s.Issue(context.Background(), Target{FlowID: fl.ID, Purpose: "register", User: u}, "mobile_text", 6, to); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "s.db*"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"7700900123", "someone.private", "Someone.Private"} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q", filepath.Base(name), s)
			}
		}
	}
}
