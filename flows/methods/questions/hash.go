package questions

import (
	"context"
	"crypto/subtle"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's parameters, kept with each hash so that they can be
// raised later without invalidating registrations.
type Params struct {
	Memory  uint32 `json:"m"` // KiB
	Time    uint32 `json:"t"`
	Threads uint8  `json:"p"`
}

// OWASP is the first of OWASP's argon2id settings (Password Storage Cheat
// Sheet): 19 MiB, two passes, one lane.
var OWASP = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// Hasher computes argon2id hashes, at most a fixed number at once: each
// takes Params.Memory of memory, so a burst of answers waits instead of
// exhausting it.
type Hasher struct {
	sem chan struct{}
	// derive is argon2.IDKey; tests replace it to count hashes in flight.
	derive func(answer, salt []byte, p Params) []byte
}

// NewHasher returns a Hasher that computes at most n hashes at once.
func NewHasher(n int) *Hasher {
	return &Hasher{sem: make(chan struct{}, max(n, 1)), derive: idKey}
}

func idKey(answer, salt []byte, p Params) []byte {
	return argon2.IDKey(answer, salt, p.Time, p.Memory, p.Threads, keyLen)
}

// Hash returns the hash of a normalised answer, waiting for a free slot
// (or for ctx to end).
func (h *Hasher) Hash(ctx context.Context, answer string, salt []byte, p Params) ([]byte, error) {
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.sem }()
	return h.derive([]byte(answer), salt, p), nil
}

// Matches hashes answer and compares the result with want in constant
// time; it always does the whole work.
func (h *Hasher) Matches(ctx context.Context, answer string, salt, want []byte, p Params) (bool, error) {
	got, err := h.Hash(ctx, answer, salt, p)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
