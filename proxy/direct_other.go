//go:build !linux

package proxy

import "net"

// idleCheck has no cheap way to look at an idle connection here: one the
// upstream closed fails the request's first read, and the request is sent
// again on a new connection.
type idleCheck struct{}

func (*idleCheck) init(net.Conn) {}

func (*idleCheck) isStale() bool { return false }
