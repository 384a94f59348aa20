package server

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
)

func TestContainerMemory(t *testing.T) {
	dir := t.TempDir()
	write := func(name, v string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	missing := filepath.Join(dir, "missing")
	for _, tc := range []struct {
		name  string
		files []string
		want  int64
	}{
		{"v2 limit", []string{write("v2", "536870912\n")}, 512 << 20},
		{"v2 unlimited", []string{write("v2max", "max\n"), write("v1b", "1073741824\n")}, 0},
		{"v1 only", []string{missing, write("v1", "268435456\n")}, 256 << 20},
		{"v1 unlimited", []string{missing, write("v1max", "9223372036854771712\n")}, 0},
		{"none", []string{missing}, 0},
	} {
		if got := containerMemory(tc.files); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestSetMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	t.Setenv("GOMEMLIMIT", "")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if got := SetMemoryLimit(config.Server{MemoryLimit: "48MiB"}, log); got != 48<<20 || debug.SetMemoryLimit(-1) != 48<<20 {
		t.Errorf("48MiB: set %d, runtime has %d", got, debug.SetMemoryLimit(-1))
	}
	debug.SetMemoryLimit(before)
	if got := SetMemoryLimit(config.Server{MemoryLimit: "off"}, log); got != 0 || debug.SetMemoryLimit(-1) != before {
		t.Errorf("off: set %d, runtime limit changed to %d", got, debug.SetMemoryLimit(-1))
	}
	t.Setenv("GOMEMLIMIT", "100MiB")
	if got := SetMemoryLimit(config.Server{MemoryLimit: "48MiB"}, log); got != 0 || debug.SetMemoryLimit(-1) != before {
		t.Errorf("with GOMEMLIMIT set: set %d, runtime limit changed to %d", got, debug.SetMemoryLimit(-1))
	}
}
