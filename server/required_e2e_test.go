package server

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// After a sign-in at the upstream (Keycloak, through frontdoor) for an
// application, frontdoor steps in before the application: the browser goes
// to "More information required", whose silent sign-in (through frontdoor
// too, frontdoor's own client) names the user, then on to the application
// with its code, as Keycloak meant.
func TestRequiredAfterUpstreamSignIn(t *testing.T) {
	rp := rpTestenv(t)
	kcHTTP := testenv.Require(t, "keycloak", "KEYCLOAK_HTTP_URL")[0]
	login, _, pw := slapdUser(t)
	// frontdoor's address goes into its configuration (its issuer is the
	// realm reached through frontdoor), so it is chosen first.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := oidcConfig(t, rp)
	cfg.Upstream = config.Upstream{URL: kcHTTP, Preset: "keycloak"}
	cfg.SignIn.OIDC.Issuer = "http://" + addr + "/realms/frontdoor-ldap"
	cfg.SignIn.RequiredAfter = []string{"/realms/{realm}/login-actions/authenticate"}
	fd, stop := serveFrontdoorAt(t, cfg, nil, addr)
	t.Cleanup(func() { stop() })

	// The application: a client of the realm (frontdoor-rp stands in; it
	// takes any loopback redirect URI), at an address nothing serves.
	const app = "http://127.0.0.1:9/app"
	c := browser(t)
	var landed *url.URL
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), app) {
			landed = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}
	auth := fd.URL + "/realms/frontdoor-ldap/protocol/openid-connect/auth?" + url.Values{
		"client_id": {rp.clientID}, "redirect_uri": {app}, "response_type": {"code"}, "scope": {"openid"}, "state": {"app-state"},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"},
	}.Encode()
	_, _, body := page(t, c, "GET", auth, nil)
	kcLogin(t, c, body, login, pw)
	if landed == nil || landed.Query().Get("state") != "app-state" || landed.Query().Get("code") == "" {
		t.Fatalf("the application was not reached with its code: %v", landed)
	}
	// frontdoor stepped in on the way: the silent sign-in named the user.
	host := &url.URL{Scheme: "http", Host: addr, Path: "/"}
	named := false
	for _, ck := range c.Jar.Cookies(host) {
		named = named || ck.Name == "frontdoor-session"
	}
	if !named {
		t.Error("frontdoor did not learn who signed in")
	}
}
