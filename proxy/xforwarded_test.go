package proxy

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"reflect"
	"testing"
)

// oldForwarded is how rewrite set the forwarding headers before
// setForwarded: httputil's SetXForwarded, then the trusted proxy's values and
// X-Real-IP. setForwarded must write exactly the same headers.
func oldForwarded(p *Proxy, pr *httputil.ProxyRequest, fromTrusted bool) {
	in := pr.In
	if fromTrusted {
		if v := in.Header.Values("X-Forwarded-For"); len(v) > 0 {
			pr.Out.Header["X-Forwarded-For"] = v
		}
	}
	pr.SetXForwarded()
	if fromTrusted {
		if v := in.Header.Get("X-Forwarded-Host"); v != "" {
			pr.Out.Header.Set("X-Forwarded-Host", v)
		}
		if v := in.Header.Get("X-Forwarded-Proto"); v == "http" || v == "https" {
			pr.Out.Header.Set("X-Forwarded-Proto", v)
		}
	}
	pr.Out.Header.Set("X-Real-IP", p.trusted.ClientIP(in).String())
}

func TestSetForwardedAsSetXForwarded(t *testing.T) {
	u, _ := url.Parse("http://upstream.example")
	tls := &tls.ConnectionState{}
	for _, tc := range []struct {
		name, remote string
		header       http.Header
		tls          bool
	}{
		{"plain", "203.0.113.7:5555", nil, false},
		{"tls", "203.0.113.7:5555", nil, true},
		{"ipv6", "[2001:db8::1]:443", nil, false},
		{"ipv6 long form", "[2001:0db8:0:0:0:0:0:1]:443", nil, false},
		{"ipv4-mapped", "[::ffff:203.0.113.7]:443", nil, false},
		{"zone", "[fe80::1%eth0]:443", nil, false},
		{"no port", "203.0.113.7", nil, false},
		{"garbage", "not an address", nil, false},
		{"spoofed", "203.0.113.7:1", http.Header{"X-Forwarded-For": {"6.6.6.6"}, "X-Forwarded-Host": {"evil.example"}, "X-Forwarded-Proto": {"https"}, "X-Real-Ip": {"6.6.6.6"}}, false},
		{"trusted", "10.0.0.1:1", http.Header{"X-Forwarded-For": {"198.51.100.1, 10.0.0.2", "198.51.100.9"}, "X-Forwarded-Host": {"sso.example"}, "X-Forwarded-Proto": {"https"}}, false},
		{"trusted, odd proto", "10.0.0.1:1", http.Header{"X-Forwarded-Proto": {"gopher"}, "X-Forwarded-Host": {""}}, true},
		{"trusted, empty hop", "10.0.0.1:1", http.Header{"X-Forwarded-For": {""}}, false},
		{"trusted, bad hop", "10.0.0.1:1", http.Header{"X-Forwarded-For": {"nonsense"}}, false},
		{"trusted, no port", "10.0.0.1", http.Header{"X-Forwarded-For": {"198.51.100.1"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Proxy{opt: Options{Upstream: u}}
			p.trusted, _ = parseTrusted([]string{"10.0.0.0/8"})
			in := httptest.NewRequest("GET", "http://sso.internal/login", nil)
			in.RemoteAddr = tc.remote
			for k, v := range tc.header {
				in.Header[k] = v
			}
			if tc.tls {
				in.TLS = tls
			}
			outs := [2]*http.Request{}
			for i := range outs {
				// As httputil.ReverseProxy hands the request to Rewrite.
				outs[i] = in.Clone(in.Context())
				for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"} {
					outs[i].Header.Del(h)
				}
			}
			fromTrusted := p.trusted.contains(peer(in))
			oldForwarded(p, &httputil.ProxyRequest{In: in, Out: outs[0]}, fromTrusted)
			p.setForwarded(outs[1], in, fromTrusted)
			if !reflect.DeepEqual(outs[0].Header, outs[1].Header) {
				t.Errorf("headers differ\nbefore: %q\nnow:    %q", outs[0].Header, outs[1].Header)
			}
			// The shared backing array must not let one header change another.
			outs[1].Header.Add("X-Forwarded-Host", "added")
			if outs[1].Header.Get("X-Forwarded-Proto") != outs[0].Header.Get("X-Forwarded-Proto") {
				t.Errorf("adding to X-Forwarded-Host changed X-Forwarded-Proto: %q", outs[1].Header)
			}
		})
	}
}

// TestForwardingAllocations guards the allocations removed from every
// forwarded request (BenchmarkPassThrough shows the whole request's count).
func TestForwardingAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocations")
	}
	u, _ := url.Parse("http://upstream.example/")
	p := &Proxy{opt: Options{Upstream: u}}
	in := httptest.NewRequest("GET", "http://sso.internal/small", nil)
	in.RemoteAddr = "203.0.113.7:5555"
	out := in.Clone(in.Context())
	for name, tc := range map[string]struct {
		want float64
		fn   func()
	}{
		"setForwarded": {1, func() { p.setForwarded(out, in, false) }},
		"refuse":       {0, func() { refuse(in) }},
		"incomingPath": {0, func() { p.incomingPath(in) }},
	} {
		if got := testing.AllocsPerRun(100, tc.fn); got != tc.want {
			t.Errorf("%s: %v allocations, want %v", name, got, tc.want)
		}
	}
	w := httptest.NewRecorder()
	if got := testing.AllocsPerRun(100, func() { newStatusRecorder(w).release() }); got != 0 {
		t.Errorf("statusRecorder: %v allocations, want 0 (pooled)", got)
	}
	if got := testing.AllocsPerRun(100, func() { bufferPool{}.Put(bufferPool{}.Get()) }); got != 0 {
		t.Errorf("bufferPool: %v allocations, want 0", got)
	}
}
