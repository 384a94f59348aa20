// Package postgres is a store.Store on PostgreSQL, for running several
// frontdoor replicas against one database.
//
// Every operation is atomic: flows are updated by compare-and-swap on their
// version, a code is verified in one transaction holding its row lock, and
// the hits of one rate-limit key are serialised by a transaction-scoped
// advisory lock, so parallel replicas never let more than max hits through.
// Times are stored as timestamptz. The store's clock (Store.Now) is the
// database server's, read at Open and every minute and carried between
// readings on the host's monotonic clock, so that replicas whose host clocks
// differ stamp and judge expiry alike; frontdoor computes its expiry times
// by the same clock. The schema is brought up to date
// by embedded, numbered migrations applied under an advisory lock, so
// replicas starting at once apply each migration exactly once.
package postgres
