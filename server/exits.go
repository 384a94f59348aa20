package server

import (
	"slices"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/returnto"
)

// signIn says where every exit of every flow leads: back to the sign-in page
// the flow started from when the preset knows it can be shown again, else
// to upstream.sign_in_url ("/" when unset).
func signIn(u config.Upstream) returnto.Targets {
	t := returnto.Targets{SignInURL: u.SignInURL}
	for path, keys := range config.Presets[u.Preset].ReturnNeeds {
		t.Needs = append(t.Needs, returnto.Need{Path: path, Keys: keys})
	}
	slices.SortFunc(t.Needs, func(a, b returnto.Need) int {
		if a.Path < b.Path {
			return -1
		}
		return 1
	})
	return t
}

// home is the fallback sign-in page as an absolute URL: the error and
// notice pages' way back.
func (s *Server) home() string {
	return signIn(s.cfg.Upstream).URL(s.cfg.Server.PublicURL, "")
}
