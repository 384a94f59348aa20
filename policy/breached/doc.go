// Package breached tells whether a password appears in a corpus of breached
// passwords, in the "SHA1:count" form of the public corpus: either a local
// file sorted by hash, searched in place without reading it into memory, or a
// k-anonymity range API that is sent only the first 5 hex digits of the hash.
package breached
