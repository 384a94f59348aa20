package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// TestTextGatewayFailureAudited: a gateway that refuses the text leaves
// the page as it is, and the audit log records the failure with the number
// masked and without the code.
func TestTextGatewayFailureAudited(t *testing.T) {
	codes := make(chan string, 1)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case codes <- string(must(io.ReadAll(r.Body))):
		default:
		}
		http.Error(w, "SMSC down", http.StatusServiceUnavailable)
	}))
	defer gw.Close()
	cfg := testConfig(t)
	cfg.Reset.Methods = []string{"mobile_text"}
	cfg.Phone = &config.Phone{DefaultRegion: "US", AllowedCountries: []string{"US"}}
	cfg.Text = &config.Text{Provider: "kannel", Kannel: &config.TextKannel{URL: gw.URL + "/cgi-bin/sendsms", Username: "u", Password: "p"}}
	fd := startFrontdoor(t, cfg)
	login, _, _, mobile := phoneUser(t)

	c := browser(t)
	_, body := fd.askNumber(t, c, fd.identify(t, c, login), mobile)
	if !strings.Contains(body, `name="code"`) {
		t.Fatalf("a failing gateway changed the page:\n%s", body)
	}
	var text string
	select {
	case text = <-codes:
	case <-time.After(15 * time.Second):
		t.Fatal("the gateway was never asked")
	}
	code := textCodeRE.FindString(text)
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		evs, err := fd.srv.store.Audit().List(context.Background(), store.Filter{Type: audit.SendFailed})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 1 {
			ev := evs[0]
			sent, _ := fd.srv.store.Audit().List(context.Background(), store.Filter{Type: audit.MethodSent})
			if len(sent) != 1 || sent[0].User != ev.User || !strings.HasPrefix(sent[0].Flow, ev.Flow) {
				t.Fatalf("the failure does not name the send's account and flow: %+v, %+v", ev, sent)
			}
			all := fmt.Sprint(ev)
			if ev.User == "" || ev.Outcome != "failed" || ev.Detail["reason"] != "gateway" || ev.Detail["method"] != "mobile_text" ||
				!strings.HasSuffix(ev.Detail["to"], mobile[len(mobile)-2:]) {
				t.Fatalf("audit event %+v", ev)
			}
			if strings.Contains(all, mobile[2:]) || code == "" || strings.Contains(all, code) {
				t.Fatalf("the audit event holds the number or the code (%q): %+v", code, ev)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no send_failed audit event: %+v", evs)
		}
	}
}

// TestTextWarnsWithoutAllowedCountries: a text gateway with no country
// allow-list is run, with a warning at start (U-7); the spend caps cannot
// be turned off (config.TestTextPhoneBudgetsProblems).
func TestTextWarnsWithoutAllowedCountries(t *testing.T) {
	for _, allowed := range [][]string{nil, {"US"}} {
		cfg := testConfig(t)
		cfg.Reset.Methods = []string{"email", "mobile_text"}
		cfg.Phone = &config.Phone{DefaultRegion: "US", AllowedCountries: allowed}
		cfg.Text = &config.Text{Provider: "kannel", Kannel: &config.TextKannel{URL: "http://127.0.0.1:9/cgi-bin/sendsms"}}
		var logs syncBuffer
		startFrontdoorLogging(t, cfg, &logs)
		warned := strings.Contains(logs.String(), "phone.allowed_countries is empty")
		if warned != (allowed == nil) {
			t.Errorf("allowed_countries %v: warned %v\n%s", allowed, warned, logs.String())
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
