// Package flowtest assembles the flows as the server does, with an
// in-memory directory (idptest.Memory), SQLite in a temporary directory and
// mail captured in memory, and walks them with an in-process browser: the
// harness of the flows' unit tests, which need no server.
package flowtest
