package server

import (
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
)

func TestHSTSValue(t *testing.T) {
	on, off := true, false
	year := config.Duration(365 * 24 * time.Hour)
	for _, tt := range []struct {
		s    config.Server
		want string
	}{
		{config.Server{PublicURL: "https://sso.example.com", HSTS: config.HSTS{Enabled: &on, MaxAge: year}}, "max-age=31536000"},
		{config.Server{PublicURL: "https://sso.example.com", HSTS: config.HSTS{Enabled: &on, MaxAge: year, IncludeSubdomains: true}}, "max-age=31536000; includeSubDomains"},
		{config.Server{PublicURL: "https://sso.example.com", HSTS: config.HSTS{Enabled: &off, MaxAge: year}}, ""},
		{config.Server{PublicURL: "http://127.0.0.1:8080", HSTS: config.HSTS{Enabled: &on, MaxAge: year}}, ""},
	} {
		if got := hstsValue(tt.s); got != tt.want {
			t.Errorf("%s enabled=%v: %q, want %q", tt.s.PublicURL, *tt.s.HSTS.Enabled, got, tt.want)
		}
	}
}
