package proxy

import (
	"bytes"
	stdflate "compress/flate"
	stdgzip "compress/gzip"
	"fmt"
	"io"
	"strings"
	"testing"
)

// gunzip decodes a gzip member with the standard library, reading on after
// it, so trailing bytes or a wrong CRC fail.
func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := stdgzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func testBody(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "<p class=\"c%d\">line %d of the page</p>\n", i%7, i)
	}
	return b.String()
}

// TestPackGzipSplit: however the page is cut, and whether its parts are new,
// seen once, kept or reused with another middle, the standard library
// decodes the output to the page with the snippet in.
func TestPackGzipSplit(t *testing.T) {
	body := testBody(30 << 10)
	head := testBody(3 << 10)
	snippet := []byte(`<p class="links"><a href="/reset">Forgot</a></p>`)
	for _, tc := range []struct {
		name      string
		page      string
		began, at int
		snippet   []byte
	}{
		{"prefix, middle and tail", head + "<form>" + body, len(head), len(head) + 100, snippet},
		{"short prefix", "<form>" + body, 0, 100, snippet},
		{"at 0", body, 0, 0, snippet},
		{"at the end", head + body, len(head), len(head) + len(body), snippet},
		{"short tail", head + body, len(head), len(head) + len(body) - 100, snippet},
		{"long middle", head + body, len(head), len(head) + 10<<10, snippet},
		{"middle longer than a stored block", body + body + body, 2 << 10, 70 << 10, snippet},
		{"empty element, no snippet", head + body, len(head), len(head), nil},
	} {
		for round := range 4 { // new, seen once, kept, reused with another middle
			page := []byte(tc.page)
			if round == 3 && tc.at > tc.began {
				page[tc.began] ^= 1 // the middle changes, prefix and tail do not
			}
			want := append(append(append([]byte{}, page[:tc.at]...), tc.snippet...), page[tc.at:]...)
			var out bytes.Buffer
			if err := packGzipSplit(&out, page, tc.began, tc.at, tc.snippet); err != nil {
				t.Fatal(err)
			}
			if got := gunzip(t, out.Bytes()); !bytes.Equal(got, want) {
				t.Errorf("%s, round %d: decodes to %d bytes that differ from the page's %d", tc.name, round, len(got), len(want))
			}
		}
	}
}

// TestSegmentsKeptForAFormThatChanges: a page whose form changes on every
// request, as a session code makes it, has its prefix and tail kept after the
// second request, and every answer decodes to its page.
func TestSegmentsKeptForAFormThatChanges(t *testing.T) {
	head, tail := testBody(2<<10)+"<main>", testBody(40<<10)+"<p>end of the kept tail</p>"
	for i := range 6 {
		form := fmt.Sprintf(`<form id="login-form" action="/login?session=%08d"><input name="csrf" value="%d"></form>`, i*7919, i)
		page := []byte(head + form + tail)
		snippet := []byte(`<p class="links"><a href="/reset">Forgot</a></p>`)
		want := []byte(head + form + string(snippet) + tail)
		var st scanState
		_, at := st.scan(page, parseSelector("#login-form"), true)
		if st.began != len(head) || at != len(head)+len(form) {
			t.Fatalf("scan: element at %d, links at %d; want %d and %d", st.began, at, len(head), len(head)+len(form))
		}
		var out bytes.Buffer
		if err := packGzipSplit(&out, page, st.began, at, snippet); err != nil {
			t.Fatal(err)
		}
		if got := gunzip(t, out.Bytes()); !bytes.Equal(got, want) {
			t.Fatalf("request %d: decodes to %d bytes that differ from the page's %d", i, len(got), len(want))
		}
	}
	if kept.get([]byte(head), false) == nil || kept.get([]byte(tail), true) == nil {
		t.Error("the prefix and the tail are not kept")
	}
}

// TestSegmentsVaryingEnds: ends that change on every request are never kept.
func TestSegmentsVaryingEnds(t *testing.T) {
	for i := range 50 {
		page := []byte("<form></form>" + strings.Repeat(fmt.Sprintf("<script nonce=%d></script>", i), 400))
		var out bytes.Buffer
		if err := packGzipSplit(&out, page, 0, 13, nil); err != nil {
			t.Fatal(err)
		}
		if got := gunzip(t, out.Bytes()); !bytes.Equal(got, page) {
			t.Fatalf("page %d does not decode to itself", i)
		}
		if kept.get(page[13:], true) != nil {
			t.Fatalf("end %d kept, seen once", i)
		}
	}
}

// TestScanBeganAtVoidElement: for an element without content the links go
// right after its tag, and the element begins at the tag.
func TestScanBeganAtVoidElement(t *testing.T) {
	page := []byte(`<p>x</p><img id="logo" src="/l.svg"><p>y</p>`)
	var st scanState
	_, at := st.scan(page, parseSelector("#logo"), true)
	if st.began != 8 || at != 36 {
		t.Errorf("began %d, at %d; want 8 and 36", st.began, at)
	}
}

// TestWriteStored: stored blocks of any length, final or followed by more,
// decode to their bytes.
func TestWriteStored(t *testing.T) {
	for _, n := range []int{0, 1, 1536, 0xffff, 0xffff + 1, 140000} {
		p := bytes.Repeat([]byte("stored "), n/7+1)[:n]
		var out bytes.Buffer
		writeStored(&out, p, false)
		writeStored(&out, []byte("!"), true)
		got, err := io.ReadAll(stdflate.NewReader(&out))
		if err != nil || !bytes.Equal(got, append(p, '!')) {
			t.Errorf("%d bytes: %d decoded, err %v", n, len(got), err)
		}
	}
}

// TestSegmentsLongPartsNotKept: a part over maxKeptPart is compressed every
// time, never kept.
func TestSegmentsLongPartsNotKept(t *testing.T) {
	page := []byte(testBody(maxKeptPart + 4<<10))
	for range 3 {
		var out bytes.Buffer
		if err := packGzipSplit(&out, page, 2<<10, 3<<10, []byte("<p>links</p>")); err != nil {
			t.Fatal(err)
		}
		want := append(append(append([]byte{}, page[:3<<10]...), "<p>links</p>"...), page[3<<10:]...)
		if got := gunzip(t, out.Bytes()); !bytes.Equal(got, want) {
			t.Fatal("the page does not decode to itself")
		}
	}
	if kept.get(page[:2<<10], false) == nil || kept.get(page[3<<10:], true) != nil {
		t.Error("want the 2 KB prefix kept and the long tail not")
	}
}
