package exepages

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"

	"golang.org/x/sys/unix"
)

// Release unmaps the pages of the running binary's read-only mappings and
// returns by how many bytes the process's resident file pages (RssFile)
// went down (0 where the kernel does not report it). Where the kernel lets
// it (see below), it also drops them from the page cache. A mapping holding
// a private copy of a page (a relocated read-only section of a
// position-independent build) is left alone: its copy is not in the file.
func Release() (int64, error) {
	before, err := rssFile()
	if err != nil {
		return 0, err
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0, fmt.Errorf("exepages: %w", err)
	}
	ms := releasable(smaps, uintptr(reflect.ValueOf(Release).Pointer()))
	if len(ms) == 0 {
		return 0, fmt.Errorf("exepages: no read-only mapping of the binary found in /proc/self/smaps")
	}
	for _, m := range ms {
		// Out of the page cache too, where the kernel lets this process (the
		// file's owner, root, or a process that may write the file); it does
		// nothing otherwise, or before Linux 5.4.
		unix.Syscall(unix.SYS_MADVISE, m.start, m.end-m.start, unix.MADV_PAGEOUT)
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, m.start, m.end-m.start, unix.MADV_DONTNEED); errno != 0 {
			err = fmt.Errorf("exepages: madvise %#x-%#x: %w", m.start, m.end, errno)
			break // the mappings before stay released: harmless, and reported
		}
		// Advice only: without it pages come back 64 KB at a time.
		unix.Syscall(unix.SYS_MADVISE, m.start, m.end-m.start, unix.MADV_RANDOM)
	}
	after, rerr := rssFile()
	if rerr != nil {
		return 0, errors.Join(err, rerr)
	}
	return before - after, err
}

// mapping is an address range of /proc/self/smaps.
type mapping struct{ start, end uintptr }

// releasable returns, from the text of /proc/self/smaps, the read-only
// mappings of the file that holds the code address pc (the binary: found by
// its device and inode, whatever its path), leaving out those with private
// (anonymous) pages.
func releasable(smaps []byte, pc uintptr) []mapping {
	type entry struct {
		m        mapping
		readOnly bool
		file     string // device and inode
		// Whether no page of the mapping is a private copy, resident or
		// swapped out: known only once both lines have said 0 kB. A
		// private copy would be lost to MADV_DONTNEED.
		noAnon, noSwap bool
	}
	var (
		entries []entry
		binary  string
	)
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		// "Key: value" lines describe the mapping of the header above them.
		if k, v, ok := bytes.Cut(line, []byte(":")); ok && bytes.IndexByte(k, ' ') < 0 {
			if len(entries) > 0 {
				zero := string(bytes.TrimSpace(v)) == "0 kB"
				switch string(k) {
				case "Anonymous":
					entries[len(entries)-1].noAnon = zero
				case "Swap":
					entries[len(entries)-1].noSwap = zero
				}
			}
			continue
		}
		// A mapping's header: address perms offset dev inode [pathname]
		f := bytes.Fields(line)
		if len(f) == 0 {
			continue
		}
		lo, hi, _ := bytes.Cut(f[0], []byte("-"))
		start, err1 := strconv.ParseUint(string(lo), 16, 64)
		end, err2 := strconv.ParseUint(string(hi), 16, 64)
		if len(f) < 5 || err1 != nil || err2 != nil || end <= start {
			// A line neither header nor "Key: value": the lines after it
			// might be taken for another mapping's. Trust none.
			return nil
		}
		e := entry{m: mapping{uintptr(start), uintptr(end)}, readOnly: len(f[1]) >= 2 && f[1][0] == 'r' && f[1][1] == '-'}
		if string(f[4]) != "0" {
			e.file = string(f[3]) + " " + string(f[4])
		}
		if pc >= e.m.start && pc < e.m.end {
			binary = e.file
		}
		entries = append(entries, e)
	}
	if sc.Err() != nil {
		return nil
	}
	var out []mapping
	for _, e := range entries {
		if binary != "" && e.file == binary && e.readOnly && e.noAnon && e.noSwap {
			out = append(out, e.m)
		}
	}
	return out
}

// rssFile returns the process's resident file-backed memory, in bytes, or
// 0 where the kernel does not tell it (gVisor has no RssFile).
func rssFile() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("exepages: %w", err)
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("RssFile:")); ok {
			kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("exepages: RssFile: %w", err)
			}
			return kb << 10, nil
		}
	}
	return 0, nil
}
