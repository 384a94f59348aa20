//go:build !race

package web

// raceEnabled tells tests that count allocations that the race detector is off.
const raceEnabled = false
