package storetest

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// Benchmark measures the operations on a flow's hot path. open must return a
// new, empty store on the real clock.
func Benchmark(b *testing.B, open func(b *testing.B) store.Store) {
	benches := []struct {
		name string
		fn   func(b *testing.B, s store.Store)
	}{
		{"FlowCreate", benchFlowCreate},
		{"FlowGet", benchFlowGet},
		{"FlowUpdate", benchFlowUpdate},
		{"FlowUpdateParallel", benchFlowUpdateParallel},
		{"CodePutVerify", benchCodePutVerify},
		{"LimitHit", benchLimitHit},
		{"LimitHitRefused", benchLimitHitRefused},
		{"AuditAppend", benchAuditAppend},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			s := open(b)
			b.Cleanup(func() { s.Close() })
			bb.fn(b, s)
		})
	}
}

// benchData is the size of a typical flow's engine state.
var benchData = make([]byte, 512)

func newBenchFlow(b *testing.B, s store.Store) store.Flow {
	f := store.Flow{ID: store.NewID(), Kind: store.KindReset, Step: "start", Data: benchData, ExpiresAt: time.Now().Add(time.Hour)}
	if err := s.Flows().Create(context.Background(), f); err != nil {
		b.Fatalf("Create() = %v", err)
	}
	return f
}

func benchFlowCreate(b *testing.B, s store.Store) {
	for b.Loop() {
		newBenchFlow(b, s)
	}
}

func benchFlowGet(b *testing.B, s store.Store) {
	f := newBenchFlow(b, s)
	for b.Loop() {
		if _, err := s.Flows().Get(context.Background(), f.ID); err != nil {
			b.Fatalf("Get() = %v", err)
		}
	}
}

func benchFlowUpdate(b *testing.B, s store.Store) {
	f := newBenchFlow(b, s)
	i := 0
	for b.Loop() {
		i++
		err := updateByID(context.Background(), s, f.ID, func(fl *store.Flow) error {
			fl.Step = fmt.Sprint("step", i)
			return nil
		})
		if err != nil {
			b.Fatalf("Update() = %v", err)
		}
	}
}

// benchFlowUpdateParallel: each goroutine drives its own flow, as users do.
func benchFlowUpdateParallel(b *testing.B, s store.Store) {
	b.RunParallel(func(pb *testing.PB) {
		f := newBenchFlow(b, s)
		for pb.Next() {
			err := updateByID(context.Background(), s, f.ID, func(fl *store.Flow) error {
				fl.Step = "next"
				return nil
			})
			if err != nil {
				b.Errorf("Update() = %v", err)
				return
			}
		}
	})
}

// benchCodePutVerify: send a code, then check the right answer.
func benchCodePutVerify(b *testing.B, s store.Store) {
	ctx := context.Background()
	f := newBenchFlow(b, s)
	sum := sha256.Sum256([]byte("12345678"))
	match := func(h []byte) bool { return subtle.ConstantTimeCompare(h, sum[:]) == 1 }
	for b.Loop() {
		c := store.Code{FlowID: f.ID, Method: "email", Purpose: "gate1", Hash: sum[:], ExpiresAt: time.Now().Add(10 * time.Minute), TriesLeft: 5}
		if err := s.Codes().Put(ctx, c); err != nil {
			b.Fatalf("Put() = %v", err)
		}
		if res, err := s.Codes().Verify(ctx, f.ID, "email", "gate1", match); err != nil || !res.OK {
			b.Fatalf("Verify() = %+v, %v", res, err)
		}
	}
}

// benchLimitHit: a first hit on a fresh key, which is recorded.
func benchLimitHit(b *testing.B, s store.Store) {
	i := 0
	for b.Loop() {
		i++
		if ok, _, _, err := s.Limits().Hit(context.Background(), fmt.Sprint("ip:", i), time.Hour, 10); err != nil || !ok {
			b.Fatalf("Hit() = %v, %v", ok, err)
		}
	}
}

// benchLimitHitRefused: a hit on a key at its limit, as under attack.
func benchLimitHitRefused(b *testing.B, s store.Store) {
	ctx := context.Background()
	for range 10 {
		if _, _, _, err := s.Limits().Hit(ctx, "ip:192.0.2.7", time.Hour, 10); err != nil {
			b.Fatalf("Hit() = %v", err)
		}
	}
	for b.Loop() {
		if ok, _, _, err := s.Limits().Hit(ctx, "ip:192.0.2.7", time.Hour, 10); err != nil || ok {
			b.Fatalf("Hit() = %v, %v", ok, err)
		}
	}
}

func benchAuditAppend(b *testing.B, s store.Store) {
	e := store.Event{Type: "flow.started", Flow: store.NewID(), User: "alice", IP: "192.0.2.7", Outcome: "ok",
		Detail: map[string]string{"kind": "reset"}}
	for b.Loop() {
		if err := s.Audit().Append(context.Background(), e); err != nil {
			b.Fatalf("Append() = %v", err)
		}
	}
}
