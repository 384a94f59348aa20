package breached

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// corpusLine is one line of a generated corpus.
type corpusLine struct {
	hash  [sha1.Size]byte
	count int
}

// writeCorpus writes n deterministic lines, password "pw-i" seen i%97+1
// times, sorted by hash as the public corpus is, and returns the lines.
func writeCorpus(t testing.TB, path string, n int, eol string) []corpusLine {
	t.Helper()
	lines := make([]corpusLine, n)
	for i := range lines {
		lines[i] = corpusLine{sha1.Sum(fmt.Appendf(nil, "pw-%d", i)), i%97 + 1}
	}
	slices.SortFunc(lines, func(a, b corpusLine) int { return strings.Compare(string(a.hash[:]), string(b.hash[:])) })
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var hx [40]byte
	for _, l := range lines {
		hex.Encode(hx[:], l.hash[:])
		fmt.Fprintf(w, "%s:%d%s", strings.ToUpper(string(hx[:])), l.count, eol)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// countingReader counts ReadAt calls and bytes read.
type countingReader struct {
	r     io.ReaderAt
	calls atomic.Int64
	bytes atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	c.calls.Add(1)
	n, err := c.r.ReadAt(p, off)
	c.bytes.Add(int64(n))
	return n, err
}

func TestFileMillionLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pwned.txt")
	lines := writeCorpus(t, path, 1_000_000, "\r\n")
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := &countingReader{r: f.r}
	f.r = cr
	ctx := context.Background()

	// Present: the first and last lines, and passwords spread through the file.
	present := []int{0, 1, 999_998, 999_999}
	for i := 0; i < 1_000_000; i += 9_973 {
		present = append(present, i)
	}
	for _, i := range present {
		got, err := f.Count(ctx, fmt.Sprintf("pw-%d", i))
		if err != nil {
			t.Fatalf("pw-%d: %v", i, err)
		}
		if want := i%97 + 1; got != want {
			t.Errorf("pw-%d: count %d, want %d", i, got, want)
		}
	}
	if got, err := f.CountHash(ctx, lines[0].hash); err != nil || got != lines[0].count {
		t.Errorf("first line: %d, %v; want %d", got, err, lines[0].count)
	}
	last := lines[len(lines)-1]
	if got, err := f.CountHash(ctx, last.hash); err != nil || got != last.count {
		t.Errorf("last line: %d, %v; want %d", got, err, last.count)
	}

	// Absent: other passwords, and hashes below the first and above the last.
	absent := []string{"pw-1000000", "pw--1", "correct horse", ""}
	for i := range 200 {
		absent = append(absent, fmt.Sprintf("absent-%d", i))
	}
	for _, pw := range absent {
		if got, err := f.Count(ctx, pw); err != nil || got != 0 {
			t.Errorf("%q: count %d, %v; want 0", pw, got, err)
		}
	}
	for _, h := range [][sha1.Size]byte{{}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}} {
		if got, err := f.CountHash(ctx, h); err != nil || got != 0 {
			t.Errorf("%x: count %d, %v; want 0", h, got, err)
		}
	}

	// Searched in place: a lookup reads a few small chunks, not the file.
	lookups := int64(len(present) + len(absent) + 4)
	t.Logf("%d reads, %d bytes per lookup", cr.calls.Load()/lookups, cr.bytes.Load()/lookups)
	if per := cr.calls.Load() / lookups; per > 50 {
		t.Errorf("%d reads per lookup; a binary search needs about 2*log2(1e6) = 40", per)
	}
	if per := cr.bytes.Load() / lookups; per > 50*maxLine {
		t.Errorf("%d bytes read per lookup", per)
	}
}

func TestFileSmall(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
		pw      string
		want    int
		wantErr error
	}{
		{"LF", "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:3861493\n", "password", 3861493, nil},
		{"CRLF", "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:12\r\n", "password", 12, nil},
		{"no final newline", "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:7", "password", 7, nil},
		{"lower case hex", "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8:5\n", "password", 5, nil},
		{"absent", "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:7\n", "Password", 0, nil},
		{"empty file", "", "password", 0, nil},
		{"malformed", "not a hash line at all, but longer than forty bytes\n", "password", 0, ErrFormat},
		{"bad count", "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:x\n", "password", 0, ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := f.Count(context.Background(), tt.pw)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("count %d, want %d", got, tt.want)
			}
		})
	}
}

func TestOpenMissing(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "missing.txt"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v, want os.ErrNotExist", err)
	}
}

func BenchmarkFileCount(b *testing.B) {
	path := filepath.Join(b.TempDir(), "pwned.txt")
	writeCorpus(b, path, 1_000_000, "\r\n")
	f, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := f.Count(ctx, fmt.Sprintf("pw-%d", i%2_000_000)); err != nil {
			b.Fatal(err)
		}
	}
}
