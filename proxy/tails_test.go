package proxy

import (
	"bytes"
	stdgzip "compress/gzip"
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestPackGzipSplit: however the page is cut, and whether the end is new,
// seen once or kept, the standard library decodes the output to the page
// (reading on after the member, so trailing bytes would fail it).
func TestPackGzipSplit(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 30<<10; i++ {
		fmt.Fprintf(&b, "<p class=\"c%d\">line %d of the page</p>\n", i%7, i)
	}
	body := b.String()
	for _, tc := range []struct {
		name string
		page string
		cut  int
	}{
		{"cut near the top", "<form>" + body, 100},
		{"cut at 0", body, 0},
		{"cut at the end", body, len(body)},
		{"short end", body, len(body) - 100},
	} {
		for round := range 4 { // new, seen once, kept, reused
			page := []byte(tc.page)
			if round == 3 {
				page = append([]byte("<!-- another session -->"), page...) // the first part changes, the end does not
				tc.cut += 24
			}
			var out bytes.Buffer
			if err := packGzipSplit(&out, page, min(tc.cut, len(page))); err != nil {
				t.Fatal(err)
			}
			zr, err := stdgzip.NewReader(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatalf("%s, round %d: %v", tc.name, round, err)
			}
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("%s, round %d: %v", tc.name, round, err)
			}
			if !bytes.Equal(got, page) {
				t.Errorf("%s, round %d: decodes to %d bytes that differ from the page's %d", tc.name, round, len(got), len(page))
			}
		}
	}
}

// TestTailCacheVaryingEnds: ends that change on every request are never kept.
func TestTailCacheVaryingEnds(t *testing.T) {
	before := len(tails.kept)
	for i := range 50 {
		page := []byte("<form></form>" + strings.Repeat(fmt.Sprintf("<script nonce=%d></script>", i), 400))
		var out bytes.Buffer
		if err := packGzipSplit(&out, page, 13); err != nil {
			t.Fatal(err)
		}
	}
	if len(tails.kept) > before {
		t.Errorf("%d ends kept that were seen once each", len(tails.kept)-before)
	}
}
