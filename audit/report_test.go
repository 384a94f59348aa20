package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

func TestReport(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	base := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for i, e := range []store.Event{
		{Type: FlowStarted, Outcome: "ok"},
		{Type: PasswordReset, User: "dn:uid=alice", Outcome: "ok", Detail: map[string]string{"methods": "email"}},
		{Type: MethodFailed, User: "dn:uid=bob", Outcome: "failed"},
	} {
		e.Time = base.Add(time.Duration(i) * time.Minute)
		if err := st.Audit().Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	n, err := Report(ctx, &out, st.Audit(), store.Filter{Since: base.Add(time.Minute)})
	if err != nil || n != 2 {
		t.Fatalf("Report: %d events, %v", n, err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var first struct{ Type, User, Time string }
	json.Unmarshal([]byte(lines[0]), &first)
	if len(lines) != 2 || first.Type != PasswordReset || first.User != "dn:uid=alice" || first.Time != "2026-11-27T09:01:00Z" {
		t.Errorf("report:\n%s", out.String())
	}
}
