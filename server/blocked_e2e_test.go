package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestUpstreamAdminBlocked: SimpleSAMLphp answers its admin pages to anyone
// who reaches it; through frontdoor, with the preset's block_paths, they are
// answered 404 by frontdoor in every spelling, while the sign-in pages still
// pass.
func TestUpstreamAdminBlocked(t *testing.T) {
	ssp := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_URL")[0]
	fd := startFrontdoor(t, nil)
	get := func(base, path string) (int, string) { return getAsWritten(t, base, path) }
	if status, _ := get(ssp, "/simplesaml/module.php/admin/federation"); status != http.StatusOK {
		t.Fatalf("SimpleSAMLphp's admin page answers %d directly; the test needs it open upstream", status)
	}
	for _, path := range []string{
		"/simplesaml/module.php/admin/federation", "/simplesaml/module.php/admin/",
		"/simplesaml/admin/", "/simplesaml//module.php/admin/federation",
		"/simplesaml/module.php/core/../admin/federation", "/simplesaml/module.php/%61dmin/federation",
		"/simplesaml/module.php/ADMIN/federation", "/simplesaml/module.php/admin;x=1/federation",
	} {
		status, body := get(fd.URL, path)
		if status != http.StatusNotFound || strings.Contains(body, "SimpleSAMLphp") {
			t.Errorf("GET %s through frontdoor: %d, want frontdoor's 404 (body %.200q)", path, status, body)
		}
	}
	start := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	if status, _ := get(fd.URL, strings.TrimPrefix(start, ssp)); status != http.StatusOK && status != http.StatusFound && status != http.StatusSeeOther {
		t.Errorf("the sign-in start through frontdoor answers %d", status)
	}
}

// TestKeycloakAdminBlocked: with the keycloak preset, Keycloak's admin
// console and REST API and its master realm answer 404 through frontdoor,
// while the users' realm signs in as before.
func TestKeycloakAdminBlocked(t *testing.T) {
	kc := kcTestenv(t)
	fd := startFrontdoor(t, keycloakConfig(t, kc))
	if status, _ := getAsWritten(t, kc.httpURL, "/admin/master/console/"); status != http.StatusOK {
		t.Fatalf("Keycloak's admin console answers %d directly; the test needs it open upstream", status)
	}
	for _, path := range []string{
		"/admin/master/console/", "/admin/realms/" + kc.realm + "/users", "/Admin/master/console/",
		"/resources/..%2fadmin/master/console/", "/realms/" + kc.realm + "/../../admin/master/console/",
		"/realms/master/protocol/openid-connect/auth?client_id=security-admin-console",
		"/realms/master/.well-known/openid-configuration", "/realms/%6daster/account",
	} {
		status, body := getAsWritten(t, fd.URL, path)
		if status != http.StatusNotFound || strings.Contains(body, "Keycloak") {
			t.Errorf("GET %s through frontdoor: %d, want frontdoor's 404 (body %.200q)", path, status, body)
		}
	}
	if status, body := getAsWritten(t, fd.URL, "/realms/"+kc.realm+"/.well-known/openid-configuration"); status != http.StatusOK || !strings.Contains(body, "issuer") {
		t.Errorf("the users' realm through frontdoor: %d %.200q", status, body)
	}
}

// getAsWritten sends GET base+path with the path exactly as written and
// returns the status and body, without following redirects.
func getAsWritten(t *testing.T, base, path string) (int, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque, req.URL.RawQuery = path, "" // sent as written, query included
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s%s: %v", base, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
