// Package backends is the registry of directory backends: the one place
// that maps a `directory.type` to the backend that owns its configuration
// section, its validation and its constructor (as dex's connector registry
// does). Adding a backend is one package under idp/ and one line here.
package backends

import (
	"slices"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/idp/keycloak"
	"github.com/frontdoor-sspr/frontdoor/idp/ldap"
)

// registry maps directory.type to a constructor of its empty section.
var registry = map[string]func() idp.BackendConfig{
	"openldap":        ldap.NewOpenLDAPConfig,
	"activedirectory": ldap.NewActiveDirectoryConfig,
	"keycloak":        keycloak.NewConfig,
}

// New returns the empty configuration section of the backend named typ, and
// false when this build has no such backend.
func New(typ string) (idp.BackendConfig, bool) {
	f, ok := registry[typ]
	if !ok {
		return nil, false
	}
	return f(), true
}

// Types lists the backend types this build has, sorted.
func Types() []string {
	ts := make([]string, 0, len(registry))
	for t := range registry {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	return ts
}
