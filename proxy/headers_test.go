package proxy

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// headerEcho is an upstream that answers with the request headers it got.
func headerEcho(t *testing.T) *httptest.Server {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for name, vs := range r.Header {
			fmt.Fprintf(w, "%s: %s\n", name, strings.Join(vs, ", "))
		}
	}))
	t.Cleanup(up.Close)
	return up
}

// TestRoutingHeadersNeverForwarded: no header that an upstream framework
// reads as the real path, method, host, scheme or client address reaches the
// upstream from a client, nor from a trusted proxy; a request for /login
// cannot be routed to the upstream's own reset page with X-Original-URL.
func TestRoutingHeadersNeverForwarded(t *testing.T) {
	up := headerEcho(t)
	sent := http.Header{}
	for _, h := range []string{
		"X-Original-URL", "X-Rewrite-URL", "X-Original-URI", "X-Forwarded-Prefix", "X-Forwarded-Uri", "X-Forwarded-Path",
		"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "X-Host", "X-Forwarded-Server",
		"X-Forwarded-Scheme", "X-Forwarded-Ssl", "Front-End-Https", "True-Client-IP", "X-Client-IP", "Client-IP",
		"X-Cluster-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "X-Originating-IP", "Forwarded",
	} {
		sent.Set(h, "/forgot-password")
	}
	sent.Set("X-Forwarded-Host", "evil.example")
	sent.Set("X-Forwarded-Port", "8443")
	for name, trusted := range map[string][]string{"from a client": nil, "from a trusted proxy": {"127.0.0.0/8"}} {
		t.Run(name, func(t *testing.T) {
			p := newTestProxy(t, up, func(o *Options) { o.TrustedProxies = trusted })
			_, b := fetch(t, "GET", p.srv.URL+"/login", nil, sent)
			got := string(b)
			for h := range sent {
				if h == "X-Forwarded-Host" || h == "X-Forwarded-Port" {
					continue
				}
				if strings.Contains(got, h+":") {
					t.Errorf("%s reached the upstream:\n%s", h, got)
				}
			}
			if strings.Contains(got, "/forgot-password") {
				t.Errorf("the reset path reached the upstream in a header:\n%s", got)
			}
			fromTrusted := trusted != nil
			if strings.Contains(got, "evil.example") != fromTrusted || strings.Contains(got, "X-Forwarded-Port: 8443") != fromTrusted {
				t.Errorf("X-Forwarded-Host and -Port must pass only from a trusted proxy:\n%s", got)
			}
		})
	}
}

// TestConnectionHeaderCannotStripForwarding: a client listing frontdoor's
// forwarding headers in Connection (hop-by-hop) does not remove them.
func TestConnectionHeaderCannotStripForwarding(t *testing.T) {
	p := newTestProxy(t, headerEcho(t), nil)
	_, b := fetch(t, "GET", p.srv.URL+"/login", nil, http.Header{
		"Connection": {"X-Real-IP, X-Forwarded-For, X-Forwarded-Host, X-Forwarded-Proto"},
		"X-Real-IP":  {"6.6.6.6"},
	})
	got := string(b)
	for _, want := range []string{"X-Real-Ip: 127.0.0.1\n", "X-Forwarded-For: 127.0.0.1\n", "X-Forwarded-Proto: http\n", "X-Forwarded-Host: 127.0.0.1:"} {
		if !strings.Contains(got, want) {
			t.Errorf("upstream lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "6.6.6.6") {
		t.Errorf("client's X-Real-IP passed:\n%s", got)
	}
}
