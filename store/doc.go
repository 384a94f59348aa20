// Package store is where frontdoor keeps everything that must survive a
// restart and be shared between replicas: flows (server-side state machines
// with compare-and-swap updates), verification codes (hashed, single use),
// rate-limit windows and blocks, audit events and users' registered security
// info.
//
// Store is composed of narrow parts (Flows, Codes, Limits, Audit,
// Registrations) so that a package depends only on the part it uses. Every
// write is atomic. Expiry is judged against the clock the store was opened
// with, so tests move time instead of sleeping.
//
// Implementations: store/sqlite (the default). Every implementation runs the
// conformance suite in store/storetest.
package store
