package proxy

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"hash/maphash"
	"sync"

	"github.com/klauspost/compress/flate"
)

// A sign-in page is mostly the same on every request: what changes is in the
// form (a session code, a CSRF token), while what comes before it (the head,
// the style sheet, the header) and after the links (the text, the footer, the
// scripts) does not. packGzipSplit compresses the page in three parts, each a
// deflate stream of its own that refers to nothing before it, the first two
// ending on a byte boundary (an empty stored block), so that they follow one
// another in one gzip member:
//
//   - the prefix, up to the element the links go after;
//   - the middle: that element and the links, which change per request;
//   - the tail, after the links.
//
// A prefix or tail's compressed form, and its CRC-32, are kept once the same
// bytes have been seen twice and reused while they stay the same, compared
// byte for byte first. The middle is small (a form and the links): it goes as
// a stored block, since building Huffman tables for 500 bytes costs about
// 10 µs to save about 250 bytes. The gzip trailer's CRC is put together from
// the parts' (crc32Combine). The page decodes to the same bytes either way; a
// page whose prefix or tail changes on every request is compressed as before.

const (
	// minPrefix and minTail are the smallest prefix and tail worth keeping
	// apart; a shorter one goes with the middle.
	minPrefix = 1 << 10
	minTail   = 4 << 10
	// maxStored is the longest middle sent as stored blocks; a longer one is
	// compressed.
	maxStored = 1536
)

var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff} // deflate, no flags, no time, OS unknown

// packGzipSplit appends page, with snippet inserted at at, gzip-compressed,
// to dst; page[began:at] and the snippet are what changes from request to
// request. The page is not put together: only the middle is copied.
func packGzipSplit(dst *bytes.Buffer, page []byte, began, at int, snippet []byte) error {
	from, cut := began, at
	if from < minPrefix {
		from = 0
	}
	if len(page)-cut < minTail {
		cut = len(page)
	}
	mb := middles.Get().(*[]byte)
	mid := append(append(append((*mb)[:0], page[from:at]...), snippet...), page[at:cut]...)
	defer func() {
		if cap(mid) <= maxPooledMiddle { // a whole long page is not kept for the next
			*mb = mid[:0]
			middles.Put(mb)
		}
	}()
	if from == 0 && cut == len(page) {
		return packGzip(dst, mid)
	}
	dst.Write(gzipHeader)
	var crc uint32
	if from > 0 {
		c, err := packKept(dst, page[:from], false)
		if err != nil {
			return err
		}
		crc = c
	}
	last := cut == len(page)
	if len(mid) <= maxStored {
		writeStored(dst, mid, last)
	} else if err := flate.StatelessDeflate(dst, mid, last, nil); err != nil {
		return err
	}
	crc = crc32Combine(crc, crc32.ChecksumIEEE(mid), len(mid))
	if !last {
		c, err := packKept(dst, page[cut:], true)
		if err != nil {
			return err
		}
		crc = crc32Combine(crc, c, len(page)-cut)
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc)
	binary.LittleEndian.PutUint32(trailer[4:], uint32(len(page)+len(snippet)))
	dst.Write(trailer[:])
	return nil
}

// middles are the buffers the middle part is put together in; one that grew
// over maxPooledMiddle (a page compressed whole) is left to the collector.
var middles = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

const maxPooledMiddle = 64 << 10

// writeStored appends p as deflate stored blocks (at most 65,535 bytes each),
// from a byte boundary; last marks the final block of the stream.
func writeStored(dst *bytes.Buffer, p []byte, last bool) {
	for {
		n := min(len(p), 0xffff)
		final := last && n == len(p)
		var h [5]byte
		if final {
			h[0] = 1 // BFINAL, BTYPE 00 (stored), then padding to the byte
		}
		binary.LittleEndian.PutUint16(h[1:], uint16(n))
		binary.LittleEndian.PutUint16(h[3:], ^uint16(n))
		dst.Write(h[:])
		dst.Write(p[:n])
		if p = p[n:]; len(p) == 0 && (final || !last) {
			return
		}
	}
}

// packKept appends part as a deflate stream of its own (final or ending on a
// byte boundary), from the kept parts when it is one, and returns its CRC-32.
func packKept(dst *bytes.Buffer, part []byte, final bool) (uint32, error) {
	if s := kept.get(part, final); s != nil {
		dst.Write(s.deflated)
		return s.crc, nil
	}
	start := dst.Len()
	if err := flate.StatelessDeflate(dst, part, final, nil); err != nil {
		return 0, err
	}
	crc := crc32.ChecksumIEEE(part)
	kept.offer(part, final, dst.Bytes()[start:], crc)
	return crc, nil
}

// segmentCache holds the compressed forms of recent prefixes and tails.
type segmentCache struct {
	seed  maphash.Seed
	mu    sync.Mutex
	byLen map[int][]*segment
	n     int
	seen  map[uint64]bool // hashes of parts seen once, not kept yet
}

type segment struct {
	plain, deflated []byte
	final           bool
	crc             uint32
}

// At most maxKept parts are kept (the prefix and tail of a few sign-in pages,
// in a few languages), about 60 KB for a 50 KB page's tail; a part over
// maxKeptPart is never kept, so the parts take at most about 10 MB.
const (
	maxKept     = 32
	maxKeptPart = 256 << 10
)

var kept = &segmentCache{seed: maphash.MakeSeed(), byLen: map[int][]*segment{}, seen: map[uint64]bool{}}

// get returns the kept segment of plain, or nil. A hit costs one comparison
// of the bytes, no hash: parts are looked up by length first.
func (c *segmentCache) get(plain []byte, final bool) *segment {
	c.mu.Lock()
	list := c.byLen[len(plain)]
	c.mu.Unlock()
	for _, s := range list { // the list is never changed in place
		if s.final == final && bytes.Equal(s.plain, plain) {
			return s
		}
	}
	return nil
}

// offer keeps plain's compressed form when plain was seen before (and is
// not over maxKeptPart).
func (c *segmentCache) offer(plain []byte, final bool, deflated []byte, crc uint32) {
	if len(plain) > maxKeptPart {
		return
	}
	h := maphash.Bytes(c.seed, plain)
	if final {
		h = ^h
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.seen[h] {
		if len(c.seen) >= 4*maxKept {
			clear(c.seen)
		}
		c.seen[h] = true
		return
	}
	delete(c.seen, h)
	if c.n >= maxKept {
		for k := range c.byLen { // any length goes
			c.n -= len(c.byLen[k])
			delete(c.byLen, k)
			break
		}
	}
	s := &segment{plain: bytes.Clone(plain), deflated: bytes.Clone(deflated), final: final, crc: crc}
	list := c.byLen[len(plain)]
	c.byLen[len(plain)] = append(list[:len(list):len(list)], s) // a new array: readers may hold the old one
	c.n++
}
