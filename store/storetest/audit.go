package storetest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

var auditTests = []suiteTest{
	{"AuditAppendList", testAuditAppendList},
	{"AuditFilter", testAuditFilter},
	{"AuditInvalid", testAuditInvalid},
	{"AuditParallel", testAuditParallel},
}

func sameEvent(a, b store.Event) bool {
	return a.Time.Equal(b.Time) && a.Type == b.Type && a.Flow == b.Flow && a.User == b.User &&
		a.IP == b.IP && a.RequestID == b.RequestID && a.Outcome == b.Outcome && maps.Equal(a.Detail, b.Detail)
}

func testAuditAppendList(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	first := store.Event{
		Type: "flow.started", Flow: "f1", User: "alice", IP: "192.0.2.7", RequestID: "req-1", Outcome: "ok",
		Detail: map[string]string{"kind": "reset", "return_to": "/login"},
	}
	if err := s.Audit().Append(ctx, first); err != nil {
		t.Fatalf("Append() = %v", err)
	}
	second := store.Event{Time: c.Now().Add(time.Second), Type: "method.failed", Flow: "f1", User: "alice", Outcome: "failed"}
	if err := s.Audit().Append(ctx, second); err != nil {
		t.Fatalf("Append() = %v", err)
	}
	got, err := s.Audit().List(ctx, store.Filter{})
	if err != nil {
		t.Fatalf("List() = %v", err)
	}
	first.Time = c.Now() // a zero Time is the store's now
	if len(got) != 2 || !sameEvent(got[0], second) || !sameEvent(got[1], first) {
		t.Fatalf("List() = %+v\nwant newest first: %+v, %+v", got, second, first)
	}
	if got[0].ID <= got[1].ID {
		t.Errorf("event IDs %d then %d, want increasing with each Append", got[1].ID, got[0].ID)
	}
}

func testAuditFilter(t *testing.T, s store.Store, c *Clock) {
	ctx := context.Background()
	// Six events a minute apart: users alternate, types in threes.
	for i := range 6 {
		e := store.Event{
			Time:    Start.Add(time.Duration(i) * time.Minute),
			Type:    []string{"flow.started", "password.reset"}[i/3],
			User:    []string{"alice", "bob"}[i%2],
			Flow:    "f" + strconv.Itoa(i%3),
			Outcome: "ok",
			Detail:  map[string]string{"n": strconv.Itoa(i)},
		}
		if err := s.Audit().Append(ctx, e); err != nil {
			t.Fatalf("Append() = %v", err)
		}
	}
	tests := []struct {
		name string
		f    store.Filter
		want []string // Detail["n"], newest first
	}{
		{"all", store.Filter{}, []string{"5", "4", "3", "2", "1", "0"}},
		{"user", store.Filter{User: "alice"}, []string{"4", "2", "0"}},
		{"type", store.Filter{Type: "password.reset"}, []string{"5", "4", "3"}},
		{"flow", store.Filter{Flow: "f1"}, []string{"4", "1"}},
		{"since inclusive", store.Filter{Since: Start.Add(4 * time.Minute)}, []string{"5", "4"}},
		{"until exclusive", store.Filter{Until: Start.Add(2 * time.Minute)}, []string{"1", "0"}},
		{"range", store.Filter{Since: Start.Add(time.Minute), Until: Start.Add(3 * time.Minute)}, []string{"2", "1"}},
		{"limit keeps newest", store.Filter{Limit: 2}, []string{"5", "4"}},
		{"combined", store.Filter{User: "bob", Type: "flow.started", Limit: 5}, []string{"1"}},
		{"none", store.Filter{User: "carol"}, nil},
	}
	for _, tt := range tests {
		got, err := s.Audit().List(ctx, tt.f)
		if err != nil {
			t.Fatalf("List(%s) = %v", tt.name, err)
		}
		var ns []string
		for _, e := range got {
			ns = append(ns, e.Detail["n"])
		}
		if !slices.Equal(ns, tt.want) {
			t.Errorf("List(%s) = events %v, want %v", tt.name, ns, tt.want)
		}
	}
}

func testAuditInvalid(t *testing.T, s store.Store, _ *Clock) {
	err := s.Audit().Append(context.Background(), store.Event{User: "alice"})
	if !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Append(no type) = %v, want ErrInvalid", err)
	}
}

func testAuditParallel(t *testing.T, s store.Store, _ *Clock) {
	ctx := context.Background()
	errs := parallel(20, func(i int) error {
		return s.Audit().Append(ctx, store.Event{Type: "flow.started", RequestID: strconv.Itoa(i)})
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("parallel Append() = %v", err)
	}
	got, err := s.Audit().List(ctx, store.Filter{})
	if err != nil {
		t.Fatalf("List() = %v", err)
	}
	ids := map[int64]bool{}
	reqs := map[string]bool{}
	for _, e := range got {
		ids[e.ID], reqs[e.RequestID] = true, true
	}
	if len(got) != 20 || len(ids) != 20 || len(reqs) != 20 {
		t.Errorf("List() = %d events, %d IDs, %d request IDs; want 20 of each", len(got), len(ids), len(reqs))
	}
}
