package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// TestGroupedWrites sends many writes at once, some failing: the failing ones
// leave nothing, every other one is committed, each caller gets its own result.
func TestGroupedWrites(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "frontdoor.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.w.Exec("CREATE TABLE t (x INTEGER PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	errOdd := errors.New("odd")
	var wg sync.WaitGroup
	results := make([]error, 200)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.write(ctx, func(tx wtx) error {
				if _, err := tx.Exec("INSERT INTO t (x) VALUES (?)", i); err != nil {
					return err
				}
				if i%2 == 1 {
					return fmt.Errorf("write %d: %w", i, errOdd)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range results {
		if (i%2 == 1) != errors.Is(err, errOdd) || (i%2 == 0 && err != nil) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	var n, odd int
	if err := s.r.QueryRow("SELECT count(*), count(CASE WHEN x % 2 = 1 THEN 1 END) FROM t").Scan(&n, &odd); err != nil {
		t.Fatal(err)
	}
	if n != 100 || odd != 0 {
		t.Errorf("%d rows, %d of them from failed writes; want 100, 0", n, odd)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.write(ctx, func(wtx) error { return nil }); err == nil {
		t.Error("write after Close succeeded")
	}
}
