package server

import (
	"net"
	"net/http"
	"net/url"
	"regexp"
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
	cfg, addr := requiredConfig(t, rp, kcHTTP)
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

// A user who must register (registration.required, never confirmed) signs
// in at the upstream for an application: frontdoor shows "More information
// required", the user sets up their security info ("Looks good" on the
// Security info page) and then goes on to the application with its code;
// signing in again later goes straight to the application. Another user
// chooses "Remind me later" and goes on, not asked again the next time.
func TestRequiredRegisterThenApp(t *testing.T) {
	rp := rpTestenv(t)
	kcHTTP := testenv.Require(t, "keycloak", "KEYCLOAK_HTTP_URL")[0]
	login, _, pw := slapdUser(t)
	cfg, addr := requiredConfig(t, rp, kcHTTP)
	cfg.Registration = registrationSection("email")
	cfg.Registration.Required, cfg.Registration.RemindLater = true, true
	fd, stop := serveFrontdoorAt(t, cfg, nil, addr)
	t.Cleanup(func() { stop() })

	const app = "http://127.0.0.1:9/app"
	// landed is where the browser reached the application, if it did.
	var landed *url.URL
	signIn := func(login, password, state string) (*http.Client, string) {
		c := browser(t)
		landed = nil
		c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if strings.HasPrefix(req.URL.String(), app) {
				landed = req.URL
				return http.ErrUseLastResponse
			}
			return nil
		}
		_, _, body := page(t, c, "GET", appSignIn(fd.URL, rp.clientID, app, state), nil)
		_, _, body = kcLogin(t, c, body, login, password)
		return c, body
	}
	c, body := signIn(login, pw, "first")
	if landed != nil || !strings.Contains(body, "More information required") {
		t.Fatalf("a user who must register went on to %v without the page:\n%.1500s", landed, body)
	}
	link := regexp.MustCompile(`<a class="button" href="([^"]+)">Set it up now</a>`).FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("no \"Set it up now\":\n%s", body)
	}
	_, at, body := page(t, c, "GET", fd.URL+htmlUnescape(link[1]), nil)
	if at.Path != "/.frontdoor/register" || !strings.Contains(body, "Looks good") {
		t.Fatalf("\"Set it up now\" led to %s:\n%.1500s", at, body)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/register/confirm", url.Values{"csrf_token": {csrf(t, body)}})
	cont := regexp.MustCompile(`<a class="button" href="([^"]+)">Continue to your application</a>`).FindStringSubmatch(body)
	if !strings.Contains(body, "your security info is confirmed") || cont == nil {
		t.Fatalf("after Looks good, no way on to the application:\n%s", body)
	}
	page(t, c, "GET", htmlUnescape(cont[1]), nil)
	if landed == nil || landed.Query().Get("state") != "first" || landed.Query().Get("code") == "" {
		t.Fatalf("the application was not reached with its code after registering: %v", landed)
	}

	// Registered now: the next sign-in goes straight on.
	if _, body = signIn(login, pw, "second"); landed == nil || landed.Query().Get("state") != "second" {
		t.Fatalf("a registered user did not go straight on: %v\n%.1500s", landed, body)
	}

	// Another user who must register presses "Remind me later": on to the
	// application, and not asked again at the next sign-in.
	later, _, laterPW := slapdUser(t)
	c, body = signIn(later, laterPW, "later")
	if landed != nil || !strings.Contains(body, "Remind me later") {
		t.Fatalf("no \"Remind me later\" (at %v):\n%.1500s", landed, body)
	}
	page(t, c, "POST", fd.URL+"/.frontdoor/required", url.Values{"csrf_token": {csrf(t, body)}})
	if landed == nil || landed.Query().Get("state") != "later" || landed.Query().Get("code") == "" {
		t.Fatalf("\"Remind me later\" did not go on to the application: %v", landed)
	}
	if _, body = signIn(later, laterPW, "again"); landed == nil || landed.Query().Get("state") != "again" {
		t.Fatalf("reminded later, the user met the page again: %v\n%.1500s", landed, body)
	}
}

// appSignIn is the address at which an application (a client of the realm
// reached through frontdoor) sends a browser to sign in.
func appSignIn(fdURL, clientID, redirect, state string) string {
	return fdURL + "/realms/frontdoor-ldap/protocol/openid-connect/auth?" + url.Values{
		"client_id": {clientID}, "redirect_uri": {redirect}, "response_type": {"code"}, "scope": {"openid"}, "state": {state},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"},
	}.Encode()
}

// requiredConfig is frontdoor in front of Keycloak (kcHTTP), stepping in
// after its sign-in form, and the address it must listen on: its issuer is
// the realm reached through frontdoor, so the address is chosen first.
func requiredConfig(t *testing.T, rp rpEnv, kcHTTP string) (*config.Config, string) {
	t.Helper()
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
	return cfg, addr
}
