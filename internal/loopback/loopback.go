// Package loopback tells whether an address names this machine, which is
// where frontdoor allows plain http and plain SMTP, for a test setup.
package loopback

import (
	"net"
	"net/url"
)

// Host tells whether host names this machine: localhost or a loopback
// address.
func Host(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// URL tells whether a URL's host names this machine.
func URL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && Host(u.Hostname())
}
