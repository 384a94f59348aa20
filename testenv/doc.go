// Package testenv gives tests the addresses and credentials of the real servers
// that the scripts in this directory start (testenv/up.sh).
//
// Values come from the environment, or else from the output of testenv/env.sh,
// so `go test ./...` works right after `testenv/up.sh` without an eval. When a
// value is missing a test is skipped on a developer's machine and fails in CI
// (CI=true): an integration test that cannot reach its server never passes
// silently there.
package testenv
