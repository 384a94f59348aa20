package server

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

var requestIDRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// TestRequestIDsEndToEnd: the sign-in page passed through and frontdoor's own
// pages each answer with a fresh X-Request-Id; the audit events of an own
// page, and the failure of a request refused on its way to the upstream, are
// logged by the configured logger under the ID their answer carried.
func TestRequestIDsEndToEnd(t *testing.T) {
	start := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	logs := &syncBuffer{}
	fd := startFrontdoorLogging(t, nil, logs)
	b := browser(t)
	id := func(resp *http.Response, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		id := resp.Header.Get("X-Request-Id")
		if !requestIDRE.MatchString(id) {
			t.Fatalf("%s %s: %d, X-Request-Id %q", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, id)
		}
		return id
	}
	id(noFollow(b).Get(fd.URL + start)) // the sign-in page, passed through

	_, _, body := page(t, b, "GET", fd.URL+"/.frontdoor/reset", nil)
	form := url.Values{"csrf_token": {csrf(t, body)}, "login": {"nobody-request-id"}, "captcha": {fd.captchaAnswer(t, b, "reset")}}
	own := id(noFollow(b).PostForm(fd.URL+"/.frontdoor/reset/identify", form))
	var audited int
	for _, line := range strings.Split(logs.String(), "\n") {
		if !strings.Contains(line, `"msg":"audit"`) {
			continue
		}
		audited++
		if !strings.Contains(line, `"request_id":"`+own+`"`) {
			t.Errorf("an event of the identify request is logged under another ID than its answer's %s: %s", own, line)
		}
	}
	if audited != 2 { // flow.started, identified
		t.Errorf("%d audit lines in the log, want 2:\n%s", audited, logs.String())
	}

	trace, err := http.NewRequest("TRACE", fd.URL+start, nil)
	if err != nil {
		t.Fatal(err)
	}
	refused := id(noFollow(b).Do(trace))
	if !strings.Contains(logs.String(), `"msg":"request failed","request_id":"`+refused+`","status":405`) {
		t.Errorf("no \"request failed\" line for the refused TRACE %s in the log:\n%s", refused, logs.String())
	}
}
