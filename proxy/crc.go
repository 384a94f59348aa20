package proxy

// crc32Combine returns the IEEE CRC-32 of a followed by b, given crcA and
// crcB, the CRC-32s of a and b, and the length of b: the gzip trailer of a
// page put together from parts whose CRCs are known (kept parts) costs no
// pass over those parts.
//
// A CRC is a remainder of polynomial division over GF(2), so appending b to a
// multiplies a's remainder by x^(8·len(b)) before adding b's; the pre- and
// post-conditioning (the inversions) cancel out in that sum. Polynomials are
// held bit-reflected, as the IEEE CRC computes them: bit 31 is x^0.
func crc32Combine(crcA, crcB uint32, lenB int) uint32 {
	return mulModP(xPow8n(lenB), crcA) ^ crcB
}

// crcPoly is the IEEE polynomial, bit-reflected (hash/crc32.IEEE).
const crcPoly = 0xedb88320

// mulModP returns a·b modulo the CRC polynomial.
func mulModP(a, b uint32) uint32 {
	var p uint32
	for m := uint32(1) << 31; m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
		}
		if b&1 != 0 {
			b = b>>1 ^ crcPoly
		} else {
			b >>= 1
		}
	}
	return p
}

// xPow2k[k] is x^(2^k) modulo the CRC polynomial.
var xPow2k = func() (t [32]uint32) {
	t[0] = 1 << 30 // x^1
	for k := 1; k < len(t); k++ {
		t[k] = mulModP(t[k-1], t[k-1])
	}
	return t
}()

// xPow8n returns x^(8n) modulo the CRC polynomial: n bytes of shift.
func xPow8n(n int) uint32 {
	p := uint32(1) << 31 // x^0
	for k := 3; n != 0; n, k = n>>1, k+1 {
		if n&1 != 0 {
			p = mulModP(xPow2k[k%32], p)
		}
	}
	return p
}
