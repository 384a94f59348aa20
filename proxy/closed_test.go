package proxy

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// closedProxy forwards to an upstream that echoes the target it was sent,
// with the given blocked and allowed paths.
func closedProxy(t *testing.T, block, allow []string) *testProxy {
	up := upstream(t)
	up.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "upstream saw "+r.RequestURI)
	})
	return newTestProxy(t, up, func(o *Options) { o.Block, o.Allow = block, allow })
}

// expectRefused checks that frontdoor answers each target with status
// itself: the upstream never sees it.
func expectRefused(t *testing.T, p *testProxy, status int, targets ...string) {
	t.Helper()
	for _, target := range targets {
		got, body := rawGet(t, p, target)
		if got != status || strings.Contains(body, "upstream saw") {
			t.Errorf("GET %s: %d %q, want %d from frontdoor", target, got, body, status)
		}
	}
}

// expectForwarded checks that each target reaches the upstream as sent.
func expectForwarded(t *testing.T, p *testProxy, targets ...string) {
	t.Helper()
	for _, target := range targets {
		status, body := rawGet(t, p, target)
		if status != http.StatusOK || body != "upstream saw "+target {
			t.Errorf("GET %s: %d %q, want it forwarded as sent", target, status, body)
		}
	}
}

// TestBlockedPathsInEverySpelling: a blocked upstream path (Keycloak's
// admin console and API) is answered 404 by frontdoor in every spelling a
// lenient upstream would route there; the upstream never sees it.
func TestBlockedPathsInEverySpelling(t *testing.T) {
	p := closedProxy(t, []string{"/admin", "/admin/*", "/realms/master/*"}, nil)
	expectRefused(t, p, http.StatusNotFound,
		"/admin", "/admin/", "/admin/master/console/", "/admin/realms/acme/users",
		"/ADMIN/realms/acme/users", "//admin/realms", "/./admin/", "/x/../admin/realms",
		"/x/..;/admin/realms", "/..%2fadmin/realms", "/x%2f..%2fadmin", "/%2e%2e/admin/",
		"/x/%2e%2e/admin", "/%61dmin/realms", "/%2561dmin/realms", "/admin;jsessionid=1/realms",
		"/admin;x/", "/admin./realms", `/x\..\admin`, "/x%5C..%5Cadmin",
		"/realms/master/protocol/openid-connect/auth", "/realms/MASTER/account",
		"/realms/acme/../master/account", "/realms/acme/..%2fmaster/account")
	expectForwarded(t, p, "/realms/acme/account", "/administrator", "/admins/", "/realms/master2/x", "/resources/admin/x.css")
}

// TestAllowedPathsOnly: with an allow list, only its paths are forwarded,
// and only when they are allowed however the upstream reads them.
func TestAllowedPathsOnly(t *testing.T) {
	p := closedProxy(t, []string{"/realms/{realm}/admin/*"}, []string{"/realms/{realm}/*", "/resources/*"})
	expectForwarded(t, p, "/realms/acme/protocol/openid-connect/auth?client_id=x", "/resources/kc/login.css")
	expectRefused(t, p, http.StatusNotFound,
		"/admin/master/console/", "/", "/realms", "/js/keycloak.js",
		"/realms/acme/../../admin/realms", "/realms/acme/..%2f..%2fadmin/realms",
		"/resources/%2e%2e/admin", "/realms/acme/x/..;/..;/..;/admin",
		"/realms/acme/admin/users", // blocked, though under an allowed prefix
	)
}

// TestOwnAndInterceptedPathsBeforeAllow: frontdoor's own pages and the
// paths it takes over are answered even when the allow list leaves them out.
func TestOwnAndInterceptedPathsBeforeAllow(t *testing.T) {
	p := closedProxy(t, nil, []string{"/login"})
	for target, want := range map[string]string{
		"/.frontdoor/reset": "frontdoor page /.frontdoor/reset",
		"/forgot-password":  "frontdoor page /.frontdoor/reset",
	} {
		status, body := rawGet(t, p, target)
		if status != http.StatusOK || body != want {
			t.Errorf("GET %s: %d %q, want %q", target, status, body, want)
		}
	}
}

// TestControlCharactersRefused: a path holding a control character, as sent
// or encoded once more, is refused before any matching: a server that stops
// at a NUL or trims control characters would read another path than the
// one blocked, allowed or intercepted here.
func TestControlCharactersRefused(t *testing.T) {
	p := closedProxy(t, []string{"/admin", "/admin/*"}, nil)
	expectRefused(t, p, http.StatusBadRequest,
		"/admin%00/../realms/acme", "/forgot-password%00.css", "/admin%09", "/admin%0d%0a/x",
		"/a%7fb", "/admin%2500/../realms", "/admin%250A", "/a%251fb", "/a%7Fb")
	expectForwarded(t, p, "/a%20b", "/caf%C3%A9", "/a%2520b", "/a%41b", "/%7e/x")
}
