package server

import (
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/idp/keycloak"
)

// TestKeycloakNotThroughFrontdoor: a Keycloak backend addressed at
// frontdoor's own public host is refused (its admin API would meet
// upstream.block_paths); Keycloak's own address is fine.
func TestKeycloakNotThroughFrontdoor(t *testing.T) {
	for base, refused := range map[string]bool{
		"https://sso.example.test":                    true,
		"https://SSO.Example.test":                    true,
		"https://keycloak.internal:8443":              false,
		"https://sso.example.test:8443":               false,
		"https://keycloak.sso.svc.cluster.local:8443": false,
	} {
		cfg := &config.Config{Server: config.Server{PublicURL: "https://sso.example.test"},
			Directory: &config.Directory{Type: "keycloak", Backend: &keycloak.Config{BaseURL: base, Realm: "staff"}}}
		ps := checkKeycloakAddress(cfg)
		if got := len(ps) == 1 && ps[0].Path == "directory.base_url"; got != refused {
			t.Errorf("base_url %s: problems %v, want refused %v", base, ps, refused)
		}
	}
}
