// Package storetest is the conformance suite that every store.Store
// implementation runs: the same behaviour, checked the same way, on SQLite
// today and on any later backend.
//
// An implementation's test calls Run with a function that opens a fresh,
// empty store judging time by the given clock; benchmarks call Benchmark.
// Times in the suite fall on whole seconds, so a backend may store them with
// microsecond precision.
package storetest
