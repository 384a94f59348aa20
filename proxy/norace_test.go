//go:build !race

package proxy

// raceEnabled tells tests that count allocations that the race detector is off.
const raceEnabled = false
