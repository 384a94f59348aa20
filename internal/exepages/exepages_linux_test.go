package exepages

import (
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestReadOnlyMappings(t *testing.T) {
	maps := `00400000-00d3a000 r-xp 00000000 08:01 1234   /opt/front door/frontdoor
00d3a000-01a21000 r--p 0093a000 08:01 1234   /opt/front door/frontdoor
01a21000-01a7b000 rw-p 01621000 08:01 1234   /opt/front door/frontdoor
01a7b000-01ab6000 rw-p 00000000 00:00 0
7f0000000000-7f0000021000 r--p 00000000 08:01 99     /opt/front door/frontdoor.old
7f0000100000-7f0000121000 r-xp 00000000 08:01 77     /usr/lib/libc.so.6
7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0      [stack]
`
	got := readOnlyMappings([]byte(maps), "/opt/front door/frontdoor")
	want := []mapping{{0x400000, 0xd3a000}, {0xd3a000, 0x1a21000}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("readOnlyMappings = %#x, want %#x (code and read-only data of the binary alone)", got, want)
	}
}

// TestReleaseShrinksResidentFile checks what an operator would see: after
// Release the binary's resident pages (RssFile) are fewer.
func TestReleaseShrinksResidentFile(t *testing.T) {
	before := rssFile(t)
	n, err := Release()
	if err != nil {
		t.Fatal(err)
	}
	after := rssFile(t)
	t.Logf("advised %d KB; RssFile %d KB before, %d KB after", n>>10, before, after)
	if n == 0 {
		t.Fatal("Release found no read-only mapping of the test binary")
	}
	if after >= before {
		t.Errorf("RssFile %d KB after Release, %d KB before: nothing was given back", after, before)
	}
}

// rssFile reads the process's resident file-backed memory, in KB.
func rssFile(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "RssFile:"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no RssFile in /proc/self/status")
	return 0
}
