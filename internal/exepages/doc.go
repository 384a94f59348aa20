// Package exepages gives back to the kernel the pages of the running binary
// that only start-up touched.
//
// A Go binary's code and tables are mapped from its file. Package
// initialisation runs code and reads tables spread over the whole file, and
// the kernel maps the pages around each one faulted (fault-around), so that
// after start-up most of the binary is resident although requests run a
// fraction of it. Release unmaps those clean, read-only pages
// (MADV_PAGEOUT, Linux 5.4 and later), then marks the mappings as read at
// random (MADV_RANDOM), so that a page a request needs again comes back
// alone rather than with its neighbours. Nothing is written: the pages are
// the file's own, and stay in the page cache for as long as the kernel
// keeps them there.
package exepages
