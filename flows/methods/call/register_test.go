package call

import (
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
)

func TestRegistered(t *testing.T) {
	for _, name := range []string{"mobile_call", "office_call"} {
		s, ok := methods.Lookup(name)
		if !ok || s.Kind != methods.KindKeypress {
			t.Fatalf("%s: %+v, %v", name, s, ok)
		}
		if ps := s.Check(&config.Config{}); len(ps) != 1 || ps[0].Path != "call" {
			t.Errorf("%s without a call section: %v", name, ps)
		}
		tw := &config.Config{Call: &config.Call{Provider: "twilio"}, Server: config.Server{PublicURL: "http://sso.example.com"}}
		if ps := s.Check(tw); len(ps) != 1 || ps[0].Path != "server.public_url" {
			t.Errorf("%s with Twilio on http: %v", name, ps)
		}
		for _, ok := range []string{"https://sso.example.com", "http://127.0.0.1:8080", "http://localhost"} {
			tw.Server.PublicURL = ok
			if ps := s.Check(tw); len(ps) != 0 {
				t.Errorf("%s with Twilio on %s: %v", name, ok, ps)
			}
		}
	}
}
