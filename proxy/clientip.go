package proxy

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// trusted is the set of networks whose forwarding headers are believed.
type trusted []netip.Prefix

func parseTrusted(list []string) (trusted, error) {
	var t trusted
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			t = append(t, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, err
		}
		t = append(t, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return t, nil
}

func (t trusted) contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peer returns the address of the connection's other end.
func peer(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// ClientIP returns the client's address: the peer, or when the peer is a trusted
// proxy, the right-most address in X-Forwarded-For that is not a trusted proxy.
func (t trusted) ClientIP(r *http.Request) netip.Addr {
	ip := peer(r)
	if !t.contains(ip) {
		return ip
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return ip
		}
		ip = a.Unmap()
		if !t.contains(ip) {
			return ip
		}
	}
	return ip
}
