package breached

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// Source counts how often a password was seen in breaches; 0 means never.
type Source interface {
	Count(ctx context.Context, password string) (int, error)
}

var (
	_ Source = (*File)(nil)
	_ Source = (*API)(nil)
)

// ErrFormat reports a file line that is not "SHA1HEX:count".
var ErrFormat = errors.New("breached: malformed line")

// maxLine bounds one line: 40 hex digits, a colon, a count and CRLF.
const maxLine = 128

// File is a breached-password file: one "SHA1HEX:count" line per password,
// sorted by hash (upper case hex), with LF or CRLF line ends. Lookups binary
// search the file with ReadAt, so a file of any size costs no memory and
// about log2(lines) small reads. It is safe for concurrent use.
type File struct {
	r    io.ReaderAt
	size int64
	f    *os.File
}

// Open opens the file at path for lookups.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("breached: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("breached: %w", err)
	}
	return &File{r: f, size: st.Size(), f: f}, nil
}

// NewFile reads a corpus of size bytes from r.
func NewFile(r io.ReaderAt, size int64) *File { return &File{r: r, size: size} }

// Close closes the file that Open opened.
func (f *File) Close() error {
	if f.f == nil {
		return nil
	}
	return f.f.Close()
}

// Count returns how often password was seen, from the SHA-1 of its UTF-8 bytes.
func (f *File) Count(ctx context.Context, password string) (int, error) {
	sum := sha1.Sum([]byte(password))
	return f.CountHash(ctx, sum)
}

// CountHash returns the count on the line for the SHA-1 hash sum, or 0.
func (f *File) CountHash(ctx context.Context, sum [sha1.Size]byte) (int, error) {
	var want [2 * sha1.Size]byte
	hex.Encode(want[:], sum[:])
	upper(want[:])
	var buf [maxLine]byte
	lo, hi := int64(0), f.size
	for lo < hi {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		mid := lo + (hi-lo)/2
		start, line, err := f.lineFrom(mid, buf[:])
		if err != nil {
			return 0, err
		}
		if line == nil || start >= hi {
			hi = mid
			continue
		}
		if len(line) < len(want)+2 || line[len(want)] != ':' {
			return 0, fmt.Errorf("%w at byte %d", ErrFormat, start)
		}
		key := line[:len(want)]
		upper(key)
		switch c := bytes.Compare(key, want[:]); {
		case c < 0:
			lo = start + int64(len(line)) + 1
		case c > 0:
			hi = mid
		default:
			n, err := strconv.Atoi(string(bytes.TrimRight(line[len(want)+1:], "\r")))
			if err != nil {
				return 0, fmt.Errorf("%w at byte %d: %w", ErrFormat, start, err)
			}
			return n, nil
		}
	}
	return 0, nil
}

// lineFrom finds the first line that starts at or after off and returns its
// start and its bytes without the LF (nil at the end of the file).
func (f *File) lineFrom(off int64, buf []byte) (int64, []byte, error) {
	if off == 0 {
		return f.lineAt(0, buf)
	}
	// A line starts at off only if the byte before it ends a line.
	n, err := f.r.ReadAt(buf, off-1)
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, nil, fmt.Errorf("breached: %w", err)
	}
	chunk := buf[:n]
	i := bytes.IndexByte(chunk, '\n')
	if i < 0 {
		if n < len(buf) {
			return 0, nil, nil
		}
		return 0, nil, fmt.Errorf("%w: no line end near byte %d", ErrFormat, off)
	}
	start := off + int64(i)
	rest := chunk[i+1:]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		return start, rest[:j], nil
	}
	if n < len(buf) {
		if len(rest) == 0 {
			return 0, nil, nil
		}
		return start, rest, nil // last line without LF
	}
	return f.lineAt(start, buf)
}

// lineAt returns the line that starts at start, without the LF.
func (f *File) lineAt(start int64, buf []byte) (int64, []byte, error) {
	n, err := f.r.ReadAt(buf, start)
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, nil, fmt.Errorf("breached: %w", err)
	}
	chunk := buf[:n]
	if i := bytes.IndexByte(chunk, '\n'); i >= 0 {
		return start, chunk[:i], nil
	}
	if n == 0 {
		return 0, nil, nil
	}
	if n < len(buf) {
		return start, chunk, nil // last line without LF
	}
	return 0, nil, fmt.Errorf("%w: line at byte %d too long", ErrFormat, start)
}

func upper(b []byte) {
	for i, c := range b {
		if 'a' <= c && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
}
