package breached

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// FuzzFile searches well-formed corpora built from the input, and the input
// itself taken as a corpus: the first must find every entry, the second
// must answer (a count or an error) without panicking.
func FuzzFile(f *testing.F) {
	f.Add("password,dragon,monkey", "\n", "password")
	f.Add("a", "\r\n", "b")
	f.Add("", "\n", "x")
	f.Add("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:3\n\n\n:", "\n", "password")
	f.Fuzz(func(t *testing.T, list, eol, probe string) {
		if eol != "\n" && eol != "\r\n" {
			eol = "\n"
		}
		pws := strings.Split(list, ",")
		var lines []string
		counts := map[string]int{}
		for i, pw := range pws {
			sum := sha1.Sum([]byte(pw))
			h := strings.ToUpper(hex.EncodeToString(sum[:]))
			if _, dup := counts[h]; dup {
				continue
			}
			counts[h] = i + 1
			lines = append(lines, fmt.Sprintf("%s:%d", h, i+1))
		}
		slices.Sort(lines)
		corpus := []byte(strings.Join(lines, eol) + eol)
		file := NewFile(bytes.NewReader(corpus), int64(len(corpus)))
		ctx := context.Background()
		for _, pw := range append(pws, probe) {
			sum := sha1.Sum([]byte(pw))
			want := counts[strings.ToUpper(hex.EncodeToString(sum[:]))]
			got, err := file.Count(ctx, pw)
			if err != nil || got != want {
				t.Fatalf("Count(%q) = %d, %v; want %d", pw, got, err, want)
			}
		}
		raw := []byte(list)
		_, _ = NewFile(bytes.NewReader(raw), int64(len(raw))).Count(ctx, probe)
	})
}
