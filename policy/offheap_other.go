//go:build !unix

package policy

// offHeapSlots returns n zeroed slots from the heap.
func offHeapSlots(n int) []uint32 { return make([]uint32, n) }
