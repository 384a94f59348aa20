package store_test

import (
	"testing"
	"testing/fstest"

	"github.com/frontdoor-sspr/frontdoor/store"
)

func TestMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	ms, err := store.Migrations(fstest.MapFS{"m/0002_b.sql": file("B"), "m/0001_a.sql": file("A"), "m/notes.txt": file("x")}, "m")
	if err != nil || len(ms) != 2 || ms[0].Name != "0001_a.sql" || ms[1].SQL != "B" || ms[1].Version != 2 {
		t.Fatalf("Migrations = %+v, %v", ms, err)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"gap":       {"m/0001_a.sql": file("A"), "m/0003_c.sql": file("C")},
		"repeat":    {"m/0001_a.sql": file("A"), "m/0001_b.sql": file("B")},
		"no number": {"m/init.sql": file("A")},
	} {
		if _, err := store.Migrations(fsys, "m"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
