package call

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

// TestResults: the first outcome of a call wins, marks are single-use, and
// a second replica (another StoreResults on the same store) sees both.
func TestResults(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, pair := range map[string][2]interface {
		Results
		Once
	}{
		"store": {&StoreResults{Limits: st.Limits()}, &StoreResults{Limits: st.Limits()}},
		"memory": func() [2]interface {
			Results
			Once
		} {
			m := &MemoryResults{}
			return [2]interface {
				Results
				Once
			}{m, m}
		}(),
	} {
		a, b := pair[0], pair[1]
		if _, ok, _ := b.Get(ctx, "ref1"); ok {
			t.Errorf("%s: an outcome before any was put", name)
		}
		if err := a.Put(ctx, "ref1", Confirmed); err != nil {
			t.Fatal(err)
		}
		if err := a.Put(ctx, "ref1", HungUp); err != nil {
			t.Fatal(err)
		}
		if o, ok, err := b.Get(ctx, "ref1"); err != nil || !ok || o != Confirmed {
			t.Errorf("%s: Get = %q, %v, %v; want the first outcome, confirmed", name, o, ok, err)
		}
		first, _ := a.First(ctx, "k", 60e9)
		again, _ := b.First(ctx, "k", 60e9)
		if !first || again {
			t.Errorf("%s: First = %v then %v; want true then false", name, first, again)
		}
	}
}
