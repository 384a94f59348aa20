// Package idptest is the conformance suite that every idp backend passes
// against a real server: lookups and injection attempts, account state,
// resets, changes, policy rejections with reasons, lockout and unlock,
// and an unreachable or untrusted server. A backend's test builds a Fixture
// and calls Run.
//
// Memory is no backend: it is the in-memory directory the flows' unit tests
// use instead of a server.
package idptest
