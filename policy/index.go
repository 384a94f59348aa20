package policy

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/policy/internal/fold"
)

// Banned terms are 4 to 16 characters long after folding, as in the reference.
const (
	MinTermLength = 4
	MaxTermLength = 16
)

// minMatch is the shortest stretch of a password that can count as a banned
// term: a 4-character term matched with one character missing would otherwise
// turn every 3-letter fragment into a banned word.
const minMatch = 4

// hashBase is the multiplier of the polynomial hash over runes (odd, so it is
// invertible modulo 2^64).
const hashBase = 0x9E3779B97F4A7C15

// index finds which stretches of a folded password lie within edit distance 1
// of a banned term. It stores, for every term, the hash of the term and of
// each of its one-deletion variants (the deletion neighbourhood) in an
// open-addressing table; a stretch of the password is looked up by its own
// hash and its deletions' hashes, and every candidate is verified exactly, so
// hash collisions cost time, never correctness.
//
// A slot is 32 bits: the term's number plus one in the low idBits, and the
// top bits of the hash (a fingerprint that skips most wrong candidates
// without comparing characters) above: 17 bits of it for the global list
// (29,781 terms take 15 bits), in half the memory of 64-bit slots. The
// table is a power of two at least 4/3 of the entries: most lookups miss,
// and a fuller table makes every miss probe further (docs/benchmarks.md has
// the figures).
//
// The terms' characters take one byte each when every character of the index
// is below 256 (the folded global list is ASCII), four otherwise.
type index struct {
	narrow []byte   // all terms, concatenated, if every character is below 256
	wide   []rune   // all terms, concatenated, otherwise
	ends   []uint32 // ends[i] is where term i stops in narrow or wide
	slots  []uint32 // fingerprint<<idBits | term+1; 0 is empty
	mask   uint64
	idBits uint
}

// maxTerms bounds the terms of one index, so that a slot keeps at least
// 8 bits of fingerprint.
const maxTerms = 1<<24 - 1

// newIndex builds an index over folded terms of MinTermLength to
// MaxTermLength characters; it reports the first term outside those bounds.
func newIndex(terms []string) (*index, error) {
	return newIndexIn(terms, func(n int) []uint32 { return make([]uint32, n) })
}

// newIndexIn is newIndex with the table's slots, its one large part, from
// alloc.
func newIndexIn(terms []string, alloc func(n int) []uint32) (*index, error) {
	if len(terms) > maxTerms {
		return nil, fmt.Errorf("%d terms, want at most %d", len(terms), maxTerms)
	}
	total, wide := 0, false
	for _, t := range terms {
		n := 0
		for _, r := range t {
			n++
			wide = wide || r > 0xFF
		}
		if n < MinTermLength || n > MaxTermLength {
			return nil, fmt.Errorf("term %q has %d characters, want %d to %d", t, n, MinTermLength, MaxTermLength)
		}
		total += n
	}
	entries := total + len(terms) // each term and its one-deletion variants
	// A power of two at least 4/3 of the entries keeps the load under 3/4.
	size := 1 << bits.Len(uint(entries*4/3))
	ix := &index{
		ends:   make([]uint32, 0, len(terms)),
		slots:  alloc(size),
		mask:   uint64(size - 1),
		idBits: uint(bits.Len(uint(len(terms)))),
	}
	if wide {
		ix.wide = make([]rune, 0, total)
	} else {
		ix.narrow = make([]byte, 0, total)
	}
	var (
		h hasher
		t []rune
	)
	for id, s := range terms {
		t = append(t[:0], []rune(s)...)
		if wide {
			ix.wide = append(ix.wide, t...)
		} else {
			for _, r := range t {
				ix.narrow = append(ix.narrow, byte(r))
			}
		}
		ix.ends = append(ix.ends, uint32(len(ix.narrow)+len(ix.wide)))
		h.reset(t)
		ix.insert(h.whole(0, len(t)), id)
		for k := range t {
			if k > 0 && t[k] == t[k-1] {
				continue // same variant as deleting k-1
			}
			ix.insert(h.without(0, len(t), k), id)
		}
	}
	return ix, nil
}

// fingerprint is the top bits of h that a slot keeps.
func (ix *index) fingerprint(h uint64) uint32 { return uint32(h >> (32 + ix.idBits)) }

// slotID is the term of a slot, or -1 for an empty one.
func (ix *index) slotID(v uint32) int { return int(v&(1<<ix.idBits-1)) - 1 }

// len reports the number of terms.
func (ix *index) len() int { return len(ix.ends) }

// bounds reports where term id starts and stops in narrow or wide.
func (ix *index) bounds(id int) (start, end uint32) {
	if id > 0 {
		start = ix.ends[id-1]
	}
	return start, ix.ends[id]
}

// term returns term id.
func (ix *index) term(id int) string {
	start, end := ix.bounds(id)
	if ix.wide != nil {
		return string(ix.wide[start:end])
	}
	var b strings.Builder
	b.Grow(int(end - start))
	for _, c := range ix.narrow[start:end] {
		b.WriteRune(rune(c)) // a byte here is a character, not UTF-8
	}
	return b.String()
}

// isNear reports whether the stretch s of a password stands for term id.
func (ix *index) isNear(s []rune, id int) bool {
	start, end := ix.bounds(id)
	if ix.wide != nil {
		return nearTerm(s, ix.wide[start:end])
	}
	return nearTerm(s, ix.narrow[start:end])
}

func (ix *index) insert(h uint64, id int) {
	fp := ix.fingerprint(h)
	for i := h & ix.mask; ; i = (i + 1) & ix.mask {
		v := ix.slots[i]
		if v == 0 {
			ix.slots[i] = fp<<ix.idBits | uint32(id+1)
			return
		}
		if v>>ix.idBits == fp && ix.slotID(v) == id {
			return
		}
	}
}

// near reports a term within edit distance 1 of s among the entries whose
// hash is h, or -1.
func (ix *index) near(h uint64, s []rune) int {
	fp := ix.fingerprint(h)
	for i := h & ix.mask; ; i = (i + 1) & ix.mask {
		v := ix.slots[i]
		if v == 0 {
			return -1
		}
		if v>>ix.idBits != fp {
			continue
		}
		if id := ix.slotID(v); ix.isNear(s, id) {
			return id
		}
	}
}

// match reports a term within edit distance 1 of p[i:j], or -1. h holds the
// prefix hashes of p.
func (ix *index) match(h *hasher, p []rune, i, j int) int {
	s := p[i:j]
	if id := ix.near(h.whole(i, j), s); id >= 0 {
		return id
	}
	for k := i; k < j; k++ {
		if k > i && p[k] == p[k-1] {
			continue
		}
		if id := ix.near(h.without(i, j, k), s); id >= 0 {
			return id
		}
	}
	return -1
}

// nearTerm reports whether the stretch s of a password stands for term t:
// equal, or one substitution or deletion away, or t with one character
// inserted inside it. A character added before or after t is not part of
// the term: it counts on its own, as the reference counts "blankf" as
// "blank" and "f".
func nearTerm[C byte | rune](s []rune, t []C) bool {
	switch len(s) - len(t) {
	case 0:
		diff := 0
		for i := range s {
			if s[i] != rune(t[i]) {
				diff++
				if diff > 1 {
					return false
				}
			}
		}
		return true
	case 1:
		if s[0] != rune(t[0]) || s[len(s)-1] != rune(t[len(t)-1]) {
			return false
		}
		return oneInserted(s, t)
	case -1:
		return oneInserted(t, s)
	}
	return false
}

// oneInserted reports whether long is short with one character inserted.
func oneInserted[L, S byte | rune](long []L, short []S) bool {
	i := 0
	for i < len(short) && rune(long[i]) == rune(short[i]) {
		i++
	}
	for ; i < len(short); i++ {
		if rune(long[i+1]) != rune(short[i]) {
			return false
		}
	}
	return true
}

// hasher holds prefix hashes of a rune slice so that the hash of any stretch,
// with or without one of its characters, costs O(1).
type hasher struct {
	prefix []uint64 // prefix[i] is the hash of s[:i]
	pow    []uint64 // pow[i] is hashBase^i
}

func (h *hasher) reset(s []rune) {
	if cap(h.prefix) < len(s)+1 {
		h.prefix = make([]uint64, 0, len(s)+1)
		h.pow = make([]uint64, 0, len(s)+1)
	}
	h.prefix = append(h.prefix[:0], 0)
	h.pow = append(h.pow[:0], 1)
	for i, r := range s {
		h.prefix = append(h.prefix, h.prefix[i]*hashBase+uint64(r)+1)
		h.pow = append(h.pow, h.pow[i]*hashBase)
	}
}

func (h *hasher) raw(i, j int) uint64 { return h.prefix[j] - h.prefix[i]*h.pow[j-i] }

// whole is the hash of s[i:j].
func (h *hasher) whole(i, j int) uint64 { return mix(h.raw(i, j), j-i) }

// without is the hash of s[i:j] with s[k] left out.
func (h *hasher) without(i, j, k int) uint64 {
	return mix(h.raw(i, k)*h.pow[j-k-1]+h.raw(k+1, j), j-i-1)
}

// mix finalises a polynomial hash so that its low bits (the slot) and high
// bits (the fingerprint) are both well spread.
func mix(x uint64, n int) uint64 {
	x ^= uint64(n) * 0xBF58476D1CE4E5B9
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return x
}

// foldTerms folds terms for the index, dropping duplicates.
func foldTerms(terms []string) []string {
	seen := make(map[string]bool, len(terms))
	out := make([]string, 0, len(terms))
	for _, t := range terms {
		f := fold.Fold(t)
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}
