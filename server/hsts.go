package server

import (
	"strconv"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// hstsValue is the Strict-Transport-Security value for the configuration:
// empty unless public_url is https and server.hsts is enabled.
func hstsValue(s config.Server) string {
	if !isHTTPS(s.PublicURL) || s.HSTS.Enabled == nil || !*s.HSTS.Enabled {
		return ""
	}
	v := "max-age=" + strconv.FormatInt(int64(s.HSTS.MaxAge.D().Seconds()), 10)
	if s.HSTS.IncludeSubdomains {
		v += "; includeSubDomains"
	}
	return v
}
