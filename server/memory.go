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

// AutoGCPercent is the garbage collector's target (GOGC) with
// server.memory_limit auto: the heap grows by half of what is live between
// two collections instead of Go's default, as much again. Measured in
// docs/benchmarks.md ("Memory"): about 10 MB less at the peak of 300 and of
// 1,000 flows in flight, and no fewer resets a second.
const AutoGCPercent = 50

// SetMemoryLimit sets the Go runtime's soft memory limit from
// server.memory_limit, unless the GOMEMLIMIT environment variable set it
// already, and logs what it chose. "auto" is 90 % of the container's memory
// limit, leaving room for what the limit does not count (the binary's pages,
// the kernel's buffers), or no limit outside a limited container; "auto"
// also sets the collector's target to AutoGCPercent, unless the GOGC
// environment variable set one. It returns the limit set, 0 for none.
func SetMemoryLimit(s config.Server, log *slog.Logger) int64 {
	if _, auto, err := config.ParseMemoryLimit(s.MemoryLimit); err == nil && auto {
		if v := os.Getenv("GOGC"); v != "" {
			log.Info("garbage collector target from GOGC", "gogc", v)
		} else {
			debug.SetGCPercent(AutoGCPercent)
			log.Info("garbage collector target", "gogc", AutoGCPercent)
		}
	}
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
