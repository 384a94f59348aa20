//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package proxy

import (
	"errors"
	"net"
	"syscall"
)

// directPeeks tells whether idle connections can be looked at here, as
// direct needs.
const directPeeks = true

// idleCheck looks at an idle connection before it is used again: it must
// have nothing to read. If it has, the upstream closed it, or sent an answer
// nobody asked for (a 408 before it closes an idle connection, as some
// servers do), and it is not used. The look is a peek at the socket that
// does not wait; what it needs is made once per connection.
type idleCheck struct {
	raw   syscall.RawConn
	peek  func(fd uintptr) bool
	stale bool
}

func (k *idleCheck) init(c net.Conn) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return
	}
	k.raw, _ = sc.SyscallConn()
	k.peek = func(fd uintptr) bool {
		var b [1]byte
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		k.stale = n > 0 || err == nil || !errors.Is(err, syscall.EAGAIN) // bytes, the end, or a failure
		return true
	}
}

// isStale tells whether the connection has something to read, or cannot be
// looked at.
func (k *idleCheck) isStale() bool {
	if k.raw == nil {
		return false
	}
	k.stale = false
	if err := k.raw.Read(k.peek); err != nil {
		return true
	}
	return k.stale
}
