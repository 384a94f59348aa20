package exepages

import (
	"reflect"
	"strings"
	"testing"
)

func TestReleasable(t *testing.T) {
	// The binary is found by the mapping that holds pc (0x500000), then by
	// its device and inode: the path may have runs of spaces or a
	// " (deleted)" suffix. Its data (rw) and a read-only mapping with private
	// copies (relocated, as in a position-independent build) are left out,
	// and so are other files and anonymous mappings.
	smaps := `00400000-00d3a000 r-xp 00000000 08:01 1234                       /opt/front  door/frontdoor (deleted)
Size:               9448 kB
Anonymous:             0 kB
VmFlags: rd ex mr mw me
00d3a000-01a21000 r--p 0093a000 08:01 1234                       /opt/front  door/frontdoor (deleted)
Size:              13212 kB
Anonymous:             0 kB
01a21000-01a40000 r--p 01621000 08:01 1234                       /opt/front  door/frontdoor (deleted)
Anonymous:           124 kB
01a40000-01a7b000 rw-p 01640000 08:01 1234                       /opt/front  door/frontdoor (deleted)
Anonymous:            40 kB
01a7b000-01ab6000 rw-p 00000000 00:00 0
Anonymous:           236 kB
7f0000000000-7f0000021000 r--p 00000000 08:01 99                 /opt/front  door/frontdoor
Anonymous:             0 kB
7f0000100000-7f0000121000 r-xp 00000000 08:02 1234               /usr/lib/libc.so.6
Anonymous:             0 kB
7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                  [stack]
Anonymous:           132 kB
`
	smaps = strings.ReplaceAll(smaps, "Anonymous:             0 kB\n", "Anonymous:             0 kB\nSwap:                  0 kB\n")
	got := releasable([]byte(smaps), 0x500000)
	want := []mapping{{0x400000, 0xd3a000}, {0xd3a000, 0x1a21000}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("releasable = %#x, want %#x (the binary's code and read-only data without private copies)", got, want)
	}
	if got := releasable([]byte(smaps), 0x10); got != nil {
		t.Errorf("releasable with pc outside every mapping = %#x, want none", got)
	}
}

// TestReleasableFailsClosed: a mapping is released only when smaps says
// that none of its pages is a private copy, resident or swapped out.
func TestReleasableFailsClosed(t *testing.T) {
	head := "00400000-00d3a000 r-xp 00000000 08:01 1234   /opt/frontdoor\n"
	for name, smaps := range map[string]string{
		"swapped private copies": head + "Anonymous:             0 kB\nSwap:                  8 kB\n",
		"no Anonymous line":      head + "Swap:                  0 kB\n",
		"no Swap line":           head + "Anonymous:             0 kB\n",
		"a line not understood":  head + "Anonymous:             0 kB\nSwap:                  0 kB\nzz-yy what\n",
	} {
		if got := releasable([]byte(smaps), 0x500000); got != nil {
			t.Errorf("%s: releasable = %#x, want none", name, got)
		}
	}
	ok := head + "Anonymous:             0 kB\nSwap:                  0 kB\n"
	if got := releasable([]byte(ok), 0x500000); len(got) != 1 {
		t.Errorf("releasable = %#x, want the one mapping", got)
	}
}

// TestReleaseShrinksResidentFile checks what an operator would see: after
// Release the binary's resident pages (RssFile) are fewer, and the code
// still runs.
func TestReleaseShrinksResidentFile(t *testing.T) {
	before, err := rssFile()
	if err != nil {
		t.Fatal(err)
	}
	n, err := Release()
	if err != nil {
		t.Fatal(err)
	}
	after, err := rssFile()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("RssFile %d KB before, %d KB after; Release reports %d KB given back", before>>10, after>>10, n>>10)
	if n <= 0 || after >= before {
		t.Errorf("RssFile %d KB after Release, %d KB before (reported %d KB): nothing was given back", after>>10, before>>10, n>>10)
	}
	if _, err := Release(); err != nil { // again, with its code faulted back in
		t.Errorf("a second Release: %v", err)
	}
}
