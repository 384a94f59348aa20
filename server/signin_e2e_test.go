package server

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestSignInThroughFrontdoor: the real SimpleSAMLphp sign-in page, reached
// through frontdoor, carries the injected links, and signing in still works
// (as a user of the test's own: the demo may have changed the demo users).
func TestSignInThroughFrontdoor(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, password := slapdUser(t)
	start := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	c := browser(t)
	status, u, body := page(t, c, "GET", fd.URL+start, nil)
	if status != 200 || u.Host != strings.TrimPrefix(fd.URL, "http://") {
		t.Fatalf("sign-in page: %d at %s (SimpleSAMLphp must redirect to frontdoor's address)", status, u)
	}
	injectedLink(t, body, "Forgot my password")
	injectedLink(t, body, "Unlock my account")
	_, _, body = page(t, c, "POST", u.String(), url.Values{"username": {login}, "password": {password}, "AuthState": {hiddenValue(t, body, "AuthState")}})
	if !strings.Contains(body, mail) {
		t.Fatalf("signing in as %s through frontdoor failed:\n%s", login, body)
	}

	resp, err := http.Get("http://" + fd.srv.cfg.Server.MetricsListen + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	m, _ := io.ReadAll(resp.Body)
	for _, want := range []string{`frontdoor_http_requests_total{class="signin",code="200"}`, `frontdoor_upstream_duration_seconds_count{class="upstream"}`} {
		if !strings.Contains(string(m), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + fd.srv.cfg.Server.MetricsListen + path)
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("%s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
}
