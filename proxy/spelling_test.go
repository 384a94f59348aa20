package proxy

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// rawGet sends "GET target" exactly as written (no client normalises it) and
// returns the status and body.
func rawGet(t *testing.T, p *testProxy, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: sso.example.com\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// spellingProxy intercepts the reset paths of three presets and echoes, from
// the upstream, the request target it was sent.
func spellingProxy(t *testing.T) *testProxy {
	up := upstream(t)
	up.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "upstream saw "+r.RequestURI)
	})
	return newTestProxy(t, up, func(o *Options) {
		o.Intercept = map[string][]string{
			"reset":    {"/forgot-password", "/realms/{realm}/login-actions/reset-credentials", "/if/flow/default-recovery-flow/"},
			"helpdesk": {"/support/*"},
		}
	})
}

// TestInterceptsMatchEverySpelling: a path that frontdoor takes over is
// answered by frontdoor in every spelling that a lenient upstream (IIS,
// Spring, Tomcat, Express, nginx) would route to its own reset page; the
// upstream never sees it.
func TestInterceptsMatchEverySpelling(t *testing.T) {
	p := spellingProxy(t)
	for target, want := range map[string]string{
		"//forgot-password":                                 "reset",
		"/Forgot-Password":                                  "reset",
		"/FORGOT-PASSWORD?x=1":                              "reset?x=1",
		"/forgot-password/":                                 "reset",
		"/forgot-password//":                                "reset",
		"/./forgot-password":                                "reset",
		"/x/../forgot-password":                             "reset",
		"/x/..;/forgot-password":                            "reset",
		"/forgot-password;jsessionid=1":                     "reset",
		"/forgot-password;x/":                               "reset",
		"/forgot-password.":                                 "reset",
		"/forgot-password.%20":                              "reset",
		"/%66orgot-password":                                "reset",
		"/forgot%2Dpassword":                                "reset",
		"/forgot%252dpassword":                              "reset",
		"/x%2f..%2fforgot-password":                         "reset",
		"/x%5C..%5Cforgot-password":                         "reset",
		`/x\..\forgot-password`:                             "reset",
		"/x/%2e%2e/forgot-password":                         "reset",
		"/%2e/forgot-password":                              "reset",
		"/forgot-pa%C5%BF%C5%BFword":                        "reset", // ſ, which upper-cases to S
		"/realms/acme/login-actions/reset-credentials/":     "reset",
		"/realms/acme/LOGIN-ACTIONS/Reset-Credentials":      "reset",
		"/realms/acme//login-actions/reset-credentials":     "reset",
		"/realms/acme/login-actions/reset-credentials;a=b":  "reset",
		"/realms/a%2Fb/login-actions/reset-credentials":     "reset",
		"/realms/acme/x/../login-actions/reset-credentials": "reset",
		"/if/flow/default-recovery-flow":                    "reset",
		"/IF/Flow/default-recovery-flow/?next=%2F":          "reset?next=%2F",
		"/support/x":                                        "helpdesk",
		"/Support/x":                                        "helpdesk",
		"//support/x/../y":                                  "helpdesk",
	} {
		p.own = nil
		status, body := rawGet(t, p, target)
		if status != 200 || len(p.own) != 1 || p.own[0] != "/.frontdoor/"+want || strings.Contains(body, "upstream saw") {
			t.Errorf("%s: status %d, own handler saw %v, body %q; want frontdoor's %s", target, status, p.own, body, want)
		}
	}
}

// TestOwnPrefixInEverySpelling: frontdoor's own pages are reached in every
// spelling of the prefix; none is forwarded to the upstream.
func TestOwnPrefixInEverySpelling(t *testing.T) {
	p := spellingProxy(t)
	for target, want := range map[string]string{
		"/.frontdoor/reset":           "/.frontdoor/reset",
		"//.frontdoor/reset":          "/.frontdoor/reset",
		"/x/../.frontdoor/reset?a=1":  "/.frontdoor/reset",
		"/.FrontDoor/static/App.css":  "/.frontdoor/static/App.css",
		"/%2efrontdoor/reset":         "/.frontdoor/reset",
		"/x%2f..%2f.frontdoor/unlock": "/.frontdoor/unlock",
		"/.frontdoor;x/helpdesk":      "/.frontdoor/helpdesk",
		"/.frontdoor":                 "/.frontdoor",
	} {
		p.own = nil
		status, body := rawGet(t, p, target)
		if status != 200 || len(p.own) != 1 || body != "frontdoor page "+want {
			t.Errorf("%s: status %d, own handler saw %v, body %q; want the page %s", target, status, p.own, body, want)
		}
	}
}

// TestOtherPathsPassAsSent: paths that are not intercepted in any spelling
// reach the upstream byte for byte, odd spellings included.
func TestOtherPathsPassAsSent(t *testing.T) {
	p := spellingProxy(t)
	for _, target := range []string{
		"/login", "/forgot-password-not", "/forgot-passwordx", "/x/forgot-password", "/forgot-password/x",
		"/a//b;jsessionid=1", "/a/%2F/b", "/A.B/c.", "/realms/acme/login-actions/authenticate?execution=e",
		"/realms/acme/login-actions/reset-credentials/x", "/if/flow/default-recovery-flow-x/", "/supportx",
		"/.well-known/openid-configuration", "/x.frontdoor/reset",
	} {
		p.own = nil
		status, body := rawGet(t, p, target)
		if status != 200 || len(p.own) != 0 || body != "upstream saw "+target {
			t.Errorf("%s: status %d, own handler saw %v, body %q; want it forwarded as sent", target, status, p.own, body)
		}
	}
}
