package flows

import (
	"context"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

// BenchmarkStep measures a step's work on its flow in a SQLite store: Load,
// then Advance of the flow by its ID (which reads it again) or of the flow
// loaded (which does not), side by side. The store is in memory, so that the figures are
// the CPU's and not the disk's fsync.
//
//	go test -run XXX -bench Step -count 3 ./flows/
func BenchmarkStep(b *testing.B) {
	var seen int
	ctx := context.Background()
	for _, bb := range []struct {
		name    string
		advance func(e *Engine, f store.Flow) error
	}{
		{"ByID", func(e *Engine, f store.Flow) error {
			return advanceByID(ctx, e, f.ID, []string{"one"}, bump(&seen))
		}},
		{"Loaded", func(e *Engine, f store.Flow) error {
			_, err := Advance(ctx, e, f, []string{"one"}, bump(&seen))
			return err
		}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			st, err := sqlite.Open(ctx, ":memory:")
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			e := NewEngine(Options{Flows: st.Flows(), Limits: st.Limits(), Prefix: "/.frontdoor/"})
			r := started(b, e, "reset")
			for b.Loop() {
				var s testState
				f, err := e.Load(r, "reset", &s)
				if err != nil {
					b.Fatal(err)
				}
				if err := bb.advance(e, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
