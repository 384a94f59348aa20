package loopback

import "testing"

func TestHostAndURL(t *testing.T) {
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "127.8.0.1": true, "::1": true,
		"10.0.0.5": false, "sso.example.com": false, "127.0.0.1.example.com": false, "": false} {
		if got := Host(host); got != want {
			t.Errorf("Host(%q) = %v, want %v", host, got, want)
		}
	}
	for raw, want := range map[string]bool{"http://127.0.0.1:8080": true, "http://[::1]:8080/x": true,
		"http://localhost": true, "https://sso.example.com": false, "::not a url": false} {
		if got := URL(raw); got != want {
			t.Errorf("URL(%q) = %v, want %v", raw, got, want)
		}
	}
}
