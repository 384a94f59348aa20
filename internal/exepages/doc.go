// Package exepages gives back to the kernel the pages of the running binary
// that only start-up touched.
//
// A Go binary's code and tables are mapped from its file. Package
// initialisation runs code and reads tables spread over the whole file, and
// the kernel maps the pages around each one faulted (fault-around), so that
// after start-up most of the binary is resident although requests run a
// fraction of it. Release unmaps those pages from the process
// (MADV_DONTNEED on the binary's read-only mappings that hold no private
// copy), then marks the mappings as read at random (MADV_RANDOM), so that a
// page a request needs again comes back alone rather than with its
// neighbours. Nothing is written, and no privilege is needed.
//
// Where the kernel allows it (the process owns the file, or is root), the
// pages first leave the page cache as well (MADV_PAGEOUT): the memory is
// then free for the whole machine, and a page needed again is read from the
// file. Otherwise they stay in the page cache, shared and reclaimable, and
// mapping one again is a minor fault.
package exepages
