package policy

import (
	"fmt"
	"math/bits"
	"unicode/utf8"

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
// without comparing runes) above. For the global list (29,781 terms, 15 bits
// of term) that leaves a 17-bit fingerprint, and half the table of 64-bit
// slots.
type index struct {
	runes  []rune   // all terms, concatenated
	ends   []uint32 // ends[i] is where term i stops in runes
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
	if len(terms) > maxTerms {
		return nil, fmt.Errorf("%d terms, want at most %d", len(terms), maxTerms)
	}
	total := 0
	for _, t := range terms {
		total += utf8.RuneCountInString(t)
	}
	ix := &index{runes: make([]rune, 0, total), ends: make([]uint32, 0, len(terms)), idBits: uint(bits.Len(uint(len(terms))))}
	entries := 0
	for _, t := range terms {
		n := 0
		for _, r := range t {
			ix.runes = append(ix.runes, r)
			n++
		}
		if n < MinTermLength || n > MaxTermLength {
			return nil, fmt.Errorf("term %q has %d characters, want %d to %d", t, n, MinTermLength, MaxTermLength)
		}
		ix.ends = append(ix.ends, uint32(len(ix.runes)))
		entries += n + 1
	}
	// A power of two at least 4/3 of the entries keeps the load under 3/4.
	size := 1 << bits.Len(uint(entries*4/3))
	ix.slots = make([]uint32, size)
	ix.mask = uint64(size - 1)
	var h hasher
	for id := range ix.ends {
		t := ix.term(id)
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

func (ix *index) term(id int) []rune {
	start := uint32(0)
	if id > 0 {
		start = ix.ends[id-1]
	}
	return ix.runes[start:ix.ends[id]]
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
		if id := ix.slotID(v); nearTerm(s, ix.term(id)) {
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
func nearTerm(s, t []rune) bool {
	switch len(s) - len(t) {
	case 0:
		diff := 0
		for i := range s {
			if s[i] != t[i] {
				diff++
				if diff > 1 {
					return false
				}
			}
		}
		return true
	case 1:
		if s[0] != t[0] || s[len(s)-1] != t[len(t)-1] {
			return false
		}
		return oneInserted(s, t)
	case -1:
		return oneInserted(t, s)
	}
	return false
}

// oneInserted reports whether long is short with one character inserted.
func oneInserted(long, short []rune) bool {
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	for ; i < len(short); i++ {
		if long[i+1] != short[i] {
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
