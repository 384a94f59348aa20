// Package sqlite is the default store: a single SQLite database file through
// modernc.org/sqlite, a SQLite compiled to pure Go, so frontdoor stays one
// static binary.
//
// The database runs in WAL mode with foreign keys on and a busy timeout.
// Every write goes through one connection in a BEGIN IMMEDIATE transaction,
// so writes are serialised and a compare-and-swap or a code verification
// cannot interleave with another; reads use a separate pool and never wait
// for writers. The schema is created and upgraded by numbered migrations
// embedded in the binary, recorded in schema_migrations, each applied in its
// own transaction.
//
// One SQLite file serves one frontdoor instance (or several processes on one
// host); several replicas need a networked store.
package sqlite
