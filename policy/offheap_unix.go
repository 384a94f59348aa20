//go:build unix

package policy

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// offHeapSlots returns n zeroed slots mapped from the kernel, outside the Go
// heap, or from the heap if the kernel refuses. They are never given back:
// only the global list's index, built once for the life of the process,
// takes them.
//
// Out of the heap, its 2 MB table no longer counts in the live heap from
// which the garbage collector sets its next goal (GOGC: twice the live
// heap), so the process under load peaks about 2 MB lower for the same work
// (docs/benchmarks.md, "Memory").
func offHeapSlots(n int) []uint32 {
	b, err := unix.Mmap(-1, 0, n*4, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return make([]uint32, n)
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(b))), n)
}
