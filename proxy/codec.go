package proxy

import (
	"bytes"
	"io"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// Compressors and decompressors are pooled: a new flate compressor allocates
// and clears hundreds of kilobytes, more work than compressing a sign-in page.
//
// A page that frontdoor rewrites is compressed at a fast level (stateless
// deflate: about four times the speed of level 6 on HTML, a few percent
// larger), since it is compressed again for every request; the page itself,
// decompressed, is the same whatever the level.

// brotliLevel is the brotli quality for rewritten pages.
const brotliLevel = 4

var (
	gzipReaders   sync.Pool // *gzip.Reader
	flateReaders  sync.Pool // io.ReadCloser that is a flate.Resetter
	brotliReaders sync.Pool // *brotli.Reader
	gzipWriters   = sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(nil, gzip.StatelessCompression)
		return w
	}}
	brotliWriters = sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, brotliLevel) }}
)

// unpackGzip decodes a gzip body into dst, at most limit bytes of it.
func unpackGzip(src io.Reader, dst *bytes.Buffer, limit int64) error {
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(src)
	} else {
		err = zr.Reset(src)
	}
	if err != nil {
		return err
	}
	_, err = dst.ReadFrom(io.LimitReader(zr, limit))
	gzipReaders.Put(zr)
	return err
}

func unpackFlate(src io.Reader, dst *bytes.Buffer, limit int64) error {
	fr, _ := flateReaders.Get().(io.ReadCloser)
	if fr == nil {
		fr = flate.NewReader(src)
	} else if err := fr.(flate.Resetter).Reset(src, nil); err != nil {
		return err
	}
	_, err := dst.ReadFrom(io.LimitReader(fr, limit))
	flateReaders.Put(fr)
	return err
}

func unpackBrotli(src io.Reader, dst *bytes.Buffer, limit int64) error {
	br, _ := brotliReaders.Get().(*brotli.Reader)
	if br == nil {
		br = brotli.NewReader(src)
	} else if err := br.Reset(src); err != nil {
		return err
	}
	_, err := dst.ReadFrom(io.LimitReader(br, limit))
	brotliReaders.Put(br)
	return err
}

// packGzip appends page, gzip-compressed, to dst.
func packGzip(dst *bytes.Buffer, page []byte) error {
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(dst)
	_, err := zw.Write(page)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	zw.Reset(nil)
	gzipWriters.Put(zw)
	return err
}

// packFlate appends page as a raw deflate stream to dst.
func packFlate(dst *bytes.Buffer, page []byte) error {
	return flate.StatelessDeflate(dst, page, true, nil)
}

func packBrotli(dst *bytes.Buffer, page []byte) error {
	bw := brotliWriters.Get().(*brotli.Writer)
	bw.Reset(dst)
	_, err := bw.Write(page)
	if cerr := bw.Close(); err == nil {
		err = cerr
	}
	bw.Reset(nil)
	brotliWriters.Put(bw)
	return err
}
