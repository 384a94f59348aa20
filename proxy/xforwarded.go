package proxy

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// setForwarded sets X-Forwarded-For, -Host, -Proto and X-Real-IP on out, the
// request to the upstream for in. It writes what
// httputil.ProxyRequest.SetXForwarded writes, except that a trusted proxy's
// X-Forwarded-For is extended and its X-Forwarded-Host and -Proto (http or
// https) passed on, and adds the client address frontdoor believes as
// X-Real-IP, never the client's word.
//
// The four values share one backing array, as http.Header.Clone does: one
// allocation on every forwarded request instead of four. Each header holds a
// slice of capacity one, so an Add to one of them copies and never touches
// the others.
func (p *Proxy) setForwarded(out, in *http.Request, fromTrusted bool) {
	h := out.Header
	vals := make([]string, 0, 4)
	set := func(key, v string) {
		vals = append(vals, v)
		n := len(vals)
		h[key] = vals[n-1 : n : n]
	}
	host, _, err := net.SplitHostPort(in.RemoteAddr)
	if err != nil {
		delete(h, "X-Forwarded-For")
		host = in.RemoteAddr
	} else {
		xff := host
		if prior := in.Header["X-Forwarded-For"]; fromTrusted && len(prior) > 0 {
			xff = strings.Join(prior, ", ") + ", " + host
		}
		set("X-Forwarded-For", xff)
	}
	xfh := in.Host
	if v := in.Header.Get("X-Forwarded-Host"); fromTrusted && v != "" {
		xfh = v
	}
	set("X-Forwarded-Host", xfh)
	xfp := "http"
	if in.TLS != nil {
		xfp = "https"
	}
	if v := in.Header.Get("X-Forwarded-Proto"); fromTrusted && (v == "http" || v == "https") {
		xfp = v
	}
	set("X-Forwarded-Proto", xfp)
	set("X-Real-Ip", addrText(p.trusted.ClientIP(in), host))
}

// addrText returns a's text form: seen, the text it was parsed from, when
// that is already the canonical form (the usual case: no allocation), else
// a.String().
func addrText(a netip.Addr, seen string) string {
	var buf [64]byte
	if string(a.AppendTo(buf[:0])) == seen {
		return seen
	}
	return a.String()
}
