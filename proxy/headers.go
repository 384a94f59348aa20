package proxy

import (
	"net/http"
	"strconv"
)

// routingHeaders are request headers that some upstream framework reads as
// the request's real path, method, host, scheme or client address: IIS URL
// Rewrite and Symfony (X-Original-URL, X-Rewrite-URL), Spring and Quarkus
// (X-Forwarded-Prefix, -Port, -Server), Rails and Express method overrides,
// CDNs' client-IP headers, and the standard Forwarded. frontdoor matches its intercepts on the request
// line alone and sets X-Forwarded-For, -Host, -Proto and X-Real-IP itself, so
// none of these may reach the upstream from anyone: with them a request for
// "/login" could be routed to the upstream's own reset page, or make the
// upstream build its links for another host or port.
var routingHeaders = []string{
	"X-Original-URL", "X-Rewrite-URL", "X-Original-URI", "X-Override-URL", "X-Envoy-Original-Path",
	"X-Forwarded-Prefix", "X-Forwarded-Path", "X-Forwarded-Uri",
	"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
	"X-Host", "X-Forwarded-Server", "X-Forwarded-Scheme", "X-Forwarded-Ssl", "X-Url-Scheme", "Front-End-Https",
	"Forwarded", "X-Forwarded", "Forwarded-For", "Client-IP", "X-Client-IP", "True-Client-IP", "X-Cluster-Client-IP",
	"X-Originating-IP", "X-Remote-IP", "X-Remote-Addr", "X-ProxyUser-Ip", "CF-Connecting-IP", "Fastly-Client-IP",
}

// routingKeys are routingHeaders in canonical form, deleted without
// canonicalising them again on every request.
var routingKeys = func() []string {
	keys := make([]string, len(routingHeaders))
	for i, h := range routingHeaders {
		keys[i] = http.CanonicalHeaderKey(h)
	}
	return keys
}()

// dropRoutingHeaders removes routingHeaders from a request to the upstream.
// X-Forwarded-Port is kept only from a trusted proxy, and only as a port.
func dropRoutingHeaders(out, in http.Header, fromTrusted bool) {
	for _, k := range routingKeys {
		delete(out, k)
	}
	out.Del("X-Forwarded-Port")
	if fromTrusted {
		if v := in.Get("X-Forwarded-Port"); v != "" {
			if n, err := strconv.Atoi(v); err == nil && n > 0 && n < 65536 {
				out.Set("X-Forwarded-Port", strconv.Itoa(n))
			}
		}
	}
}
