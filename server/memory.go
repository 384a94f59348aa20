package server

import (
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// cgroupLimitFiles hold the container's memory limit: cgroup v2, then v1.
var cgroupLimitFiles = []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}

// SetMemoryLimit sets the Go runtime's soft memory limit from
// server.memory_limit, unless the GOMEMLIMIT environment variable set it
// already, and logs what it chose. "auto" is 90 % of the container's memory
// limit, leaving room for what the limit does not count (the binary's pages,
// the kernel's buffers), or no limit outside a limited container. It returns
// the limit set, 0 for none.
func SetMemoryLimit(s config.Server, log *slog.Logger) int64 {
	if v := os.Getenv("GOMEMLIMIT"); v != "" {
		log.Info("memory limit from GOMEMLIMIT", "gomemlimit", v)
		return 0
	}
	limit, auto, err := config.ParseMemoryLimit(s.MemoryLimit)
	if err != nil { // config.Validate has refused it already
		return 0
	}
	if auto {
		limit = containerMemory(cgroupLimitFiles) / 10 * 9
	}
	if limit <= 0 {
		return 0
	}
	debug.SetMemoryLimit(limit)
	log.Info("memory limit", "bytes", limit, "auto", auto)
	return limit
}

// containerMemory returns the first memory limit found in files, or 0 when
// there is none ("max", or v1's near-2^63 value for no limit).
func containerMemory(files []string) int64 {
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || n <= 0 || n >= 1<<62 {
			return 0
		}
		return n
	}
	return 0
}
