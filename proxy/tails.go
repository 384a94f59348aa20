package proxy

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"hash/maphash"
	"sync"

	"github.com/klauspost/compress/flate"
)

// A sign-in page often ends the same way on every request (the footer, the
// scripts after the form), while the part before the links differs (a
// session code in the form). packGzipSplit compresses the two parts apart:
// the part before the cut as deflate blocks that end on a byte boundary (an
// empty stored block), then the rest as a deflate stream of its own, which is
// valid after it since it refers to nothing before it. The rest's compressed
// form is kept once the same bytes have been seen twice, and reused while they
// stay the same: then only the first part is compressed per request. The
// gzip trailer's CRC is of the whole page. The page decodes to the same bytes
// either way.

// minTail is the smallest rest worth keeping apart.
const minTail = 4 << 10

var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff} // deflate, no flags, no time, OS unknown

// packGzipSplit appends page, gzip-compressed, to dst; cut is where the part
// that changes from request to request ends.
func packGzipSplit(dst *bytes.Buffer, page []byte, cut int) error {
	rest := page[cut:]
	if len(rest) < minTail {
		return packGzip(dst, page)
	}
	dst.Write(gzipHeader)
	if err := flate.StatelessDeflate(dst, page[:cut], false, nil); err != nil {
		return err
	}
	h := maphash.Bytes(tails.seed, rest)
	if d := tails.get(h, rest); d != nil {
		dst.Write(d)
	} else {
		start := dst.Len()
		if err := flate.StatelessDeflate(dst, rest, true, nil); err != nil {
			return err
		}
		tails.offer(h, rest, dst.Bytes()[start:])
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc32.ChecksumIEEE(page))
	binary.LittleEndian.PutUint32(trailer[4:], uint32(len(page)))
	dst.Write(trailer[:])
	return nil
}

// tailCache holds the compressed ends of recent pages.
type tailCache struct {
	seed maphash.Seed
	mu   sync.Mutex
	kept map[uint64]*tail
	seen map[uint64]bool // seen once, not kept yet
}

type tail struct{ plain, deflated []byte }

// At most maxTails ends are kept (a few sign-in pages, in a few languages),
// about 70 KB each for a 50 KB page.
const maxTails = 32

var tails = &tailCache{seed: maphash.MakeSeed(), kept: map[uint64]*tail{}, seen: map[uint64]bool{}}

// get returns the kept compressed form of plain (whose hash is h), or nil.
func (c *tailCache) get(h uint64, plain []byte) []byte {
	c.mu.Lock()
	t := c.kept[h]
	c.mu.Unlock()
	if t != nil && bytes.Equal(t.plain, plain) {
		return t.deflated
	}
	return nil
}

// offer keeps plain's compressed form when plain was seen before.
func (c *tailCache) offer(h uint64, plain, deflated []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.seen[h] {
		if len(c.seen) >= 4*maxTails {
			clear(c.seen)
		}
		c.seen[h] = true
		return
	}
	if len(c.kept) >= maxTails {
		for k := range c.kept { // any one goes
			delete(c.kept, k)
			break
		}
	}
	c.kept[h] = &tail{plain: bytes.Clone(plain), deflated: bytes.Clone(deflated)}
}
