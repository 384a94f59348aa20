package config

import (
	"fmt"
	"strconv"
	"strings"
)

// MinMemoryLimit is the smallest server.memory_limit accepted: below it the
// garbage collector would run nearly all the time.
const MinMemoryLimit = 16 << 20

// memoryUnits are the units a memory_limit size may carry.
var memoryUnits = []struct {
	suffix string
	factor int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1},
}

// ParseMemoryLimit reads server.memory_limit: "auto" (auto is true: 90 % of
// the container's memory limit when there is one), "off" (0: no limit), or a
// size such as "48MiB", "64MB", "1GiB" or a number of bytes.
func ParseMemoryLimit(s string) (limit int64, auto bool, err error) {
	switch strings.TrimSpace(s) {
	case "auto":
		return 0, true, nil
	case "off":
		return 0, false, nil
	}
	num, factor := strings.TrimSpace(s), int64(1)
	for _, u := range memoryUnits {
		if n, ok := strings.CutSuffix(num, u.suffix); ok {
			num, factor = strings.TrimSpace(n), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/factor {
		return 0, false, fmt.Errorf("must be auto, off or a size such as 48MiB, 64MB or 1GiB")
	}
	if n*factor < MinMemoryLimit {
		return 0, false, fmt.Errorf("must be at least 16MiB (or off)")
	}
	return n * factor, false, nil
}
