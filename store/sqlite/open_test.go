package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

func TestFileURI(t *testing.T) {
	tests := []struct {
		dsn    string
		want   string
		memory bool
	}{
		{"frontdoor.db", "file:frontdoor.db", false},
		{"/var/lib/frontdoor/state.db", "file:/var/lib/frontdoor/state.db", false},
		{"/tmp/odd?name#1%.db", "file:/tmp/odd%3fname%231%25.db", false},
		{"file:state.db?_pragma=cache_size(-20000)", "file:state.db?_pragma=cache_size(-20000)", false},
		{":memory:", "file::memory:", true},
		{"file:shared?mode=memory&cache=shared", "file:shared?mode=memory&cache=shared", true},
	}
	for _, tt := range tests {
		got, memory, err := fileURI(tt.dsn)
		if err != nil || got != tt.want || memory != tt.memory {
			t.Errorf("fileURI(%q) = %q, %v, %v; want %q, %v", tt.dsn, got, memory, err, tt.want, tt.memory)
		}
	}
	if _, _, err := fileURI(""); err == nil {
		t.Error("fileURI(\"\") = nil error, want one")
	}
}

func pragma(t *testing.T, s *Store, name string) string {
	t.Helper()
	var v string
	if err := s.w.QueryRowContext(context.Background(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestOpenSettings(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "f.db"))
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	defer s.Close()
	want := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "synchronous": "2"}
	for name, v := range want {
		if got := pragma(t, s, name); got != v {
			t.Errorf("PRAGMA %s = %s, want %s", name, got, v)
		}
	}
	var readerCache string
	if err := s.r.QueryRowContext(context.Background(), "PRAGMA cache_size").Scan(&readerCache); err != nil {
		t.Fatal(err)
	}
	if got := pragma(t, s, "cache_size"); got != "-512" || readerCache != "-512" {
		t.Errorf("PRAGMA cache_size = %s on the writer, %s on a reader, want -512 (KiB) on both", got, readerCache)
	}
	// Readers cannot write, even by mistake.
	if _, err := s.r.ExecContext(context.Background(), "DELETE FROM flows"); err == nil {
		t.Error("a write through the reader pool succeeded, want it refused")
	}
}

// TestOperatorCacheSize: a dsn's own cache_size wins over frontdoor's, in
// either spelling of a pragma.
func TestOperatorCacheSize(t *testing.T) {
	for _, p := range []string{"cache_size(-20000)", "CACHE_SIZE%3D-20000"} {
		s, err := Open(context.Background(), "file:"+filepath.Join(t.TempDir(), "f.db")+"?_pragma="+p)
		if err != nil {
			t.Fatal(err)
		}
		if got := pragma(t, s, "cache_size"); got != "-20000" {
			t.Errorf("_pragma=%s: PRAGMA cache_size = %s, want the dsn's -20000", p, got)
		}
		s.Close()
	}
}

func TestOpenOptions(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		dsn     string
		opts    []Option
		wantErr bool
	}{
		{"synchronous normal", filepath.Join(dir, "a.db"), []Option{WithSynchronous("normal")}, false},
		{"bad synchronous", filepath.Join(dir, "b.db"), []Option{WithSynchronous("sometimes")}, true},
		{"operator pragma", "file:" + filepath.Join(dir, "c.db") + "?_pragma=cache_size(-2000)", nil, false},
		{"bad operator parameter", "file:" + filepath.Join(dir, "d.db") + "?_time_format=bogus", nil, true},
		{"missing directory", filepath.Join(dir, "no", "such", "e.db"), nil, true},
		{"empty", "", nil, true},
	}
	for _, tt := range tests {
		s, err := Open(context.Background(), tt.dsn, tt.opts...)
		if (err != nil) != tt.wantErr {
			t.Errorf("Open(%s) = %v, want error %v", tt.name, err, tt.wantErr)
		}
		if err == nil {
			s.Close()
		}
	}
}

func TestMigrations(t *testing.T) {
	ms, err := store.Migrations(migrationFiles, "migrations")
	if err != nil {
		t.Fatalf("store.Migrations() = %v", err)
	}
	path := filepath.Join(t.TempDir(), "f.db")
	for round := range 3 {
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatalf("Open() round %d = %v", round, err)
		}
		var n, maxV int
		err = s.r.QueryRowContext(context.Background(), "SELECT COUNT(*), MAX(version) FROM schema_migrations").Scan(&n, &maxV)
		if err != nil || n != len(ms) || maxV != len(ms) {
			t.Errorf("round %d: schema_migrations has %d rows up to %d (%v), want %d", round, n, maxV, err, len(ms))
		}
		if round == 0 {
			f := store.Flow{ID: "kept", Kind: store.KindReset, ExpiresAt: time.Now().Add(time.Hour)}
			if err := s.Flows().Create(context.Background(), f); err != nil {
				t.Fatalf("Create() = %v", err)
			}
		} else if _, err := s.Flows().Get(context.Background(), "kept"); err != nil {
			t.Errorf("round %d: Get() of a flow saved before reopening = %v", round, err)
		}
		s.Close()
	}
}

// TestTwoProcesses opens the same file twice, as two frontdoor processes on
// one host would, and checks that code verification stays single use across
// them.
func TestTwoProcesses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f.db")
	var stores [2]*Store
	for i := range stores {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open() = %v", err)
		}
		defer s.Close()
		stores[i] = s
	}
	for round := range 20 {
		f := store.Flow{ID: store.NewID(), Kind: store.KindReset, ExpiresAt: time.Now().Add(time.Hour)}
		if err := stores[0].Flows().Create(ctx, f); err != nil {
			t.Fatalf("Create() = %v", err)
		}
		c := store.Code{FlowID: f.ID, Method: "email", Purpose: "gate1", Hash: []byte("h"), ExpiresAt: f.ExpiresAt, TriesLeft: 5}
		if err := stores[1].Codes().Put(ctx, c); err != nil {
			t.Fatalf("Put() = %v", err)
		}
		var (
			wg sync.WaitGroup
			mu sync.Mutex
			ok int
		)
		for i := range 10 {
			wg.Go(func() {
				res, err := stores[i%2].Codes().Verify(ctx, f.ID, "email", "gate1", func([]byte) bool { return true })
				switch {
				case err == nil && res.OK:
					mu.Lock()
					ok++
					mu.Unlock()
				case !errors.Is(err, store.ErrNotFound):
					t.Errorf("Verify() = %+v, %v", res, err)
				}
			})
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("round %d: %d verifications succeeded across two processes, want 1", round, ok)
		}
	}
}
