package store

import (
	"crypto/rand"
	"encoding/base64"
)

// idBytes is the entropy of an ID: 256 bits, far above the 128 needed to make
// guessing a live flow hopeless.
const idBytes = 32

// NewID returns a fresh random identifier: 32 bytes from crypto/rand as
// unpadded base64url (43 characters), safe in URLs and cookies.
func NewID() string {
	b := make([]byte, idBytes)
	// crypto/rand.Read never fails; it aborts the program when the system's
	// random source is broken.
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
