package appnotify

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/methodstest"
)

// flowEnv mounts a reset offering email and app_notification through an
// ntfy contract fake; alice registered her phone.
func flowEnv(t *testing.T) (*flowtest.Env, *ntfyFake) {
	t.Helper()
	env := flowtest.New(t)
	alice := env.AddUser("alice")
	srv := newNtfyFake(t, "")
	m := &AppNotify{Registrations: methodstest.NewRegistrations(), Codes: env.Store.Codes(), Limits: env.Store.Limits(),
		Secret: env.Codes.Secret, Now: env.Clock.Now, Provider: &Ntfy{URL: srv.srv.URL, Client: srv.srv.Client()},
		ProviderName: "ntfy", Answers: flowtest.PublicURL + flowtest.Prefix + "app_notification/answer/"}
	if _, _, err := m.Enroll(context.Background(), alice); err != nil {
		t.Fatal(err)
	}
	env.Methods = append(env.Methods, m)
	m.Mount(env.Mux, flowtest.Prefix)
	env.Reset(config.Reset{Methods: []string{"email", Name}})
	return env, srv
}

var numberRE = regexp.MustCompile(`<p class="match-number">(\d+)</p>`)

func shownNumber(t *testing.T, p flowtest.Page) string {
	t.Helper()
	m := numberRE.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no number on the page\n%s", p.Body)
	}
	return m[1]
}

func pressOn(env *flowtest.Env, rawURL string) int {
	u, _ := url.Parse(rawURL)
	rec := httptest.NewRecorder()
	env.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, u.Path, nil))
	return rec.Code
}

func failures(t *testing.T, env *flowtest.Env) int {
	n, err := env.Store.Limits().Count(context.Background(), "reset-fail:id:id-alice", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestResetWithApproval(t *testing.T) {
	env, srv := flowEnv(t)
	b := env.Browser()
	p := env.Identify(b, "reset", "alice")
	env.Expect(p, 200, "reset.method.app_notification")
	p = b.Submit(p, "reset/method", "method", Name)
	env.Expect(p, 200, "reset.verify.approval_title", "reset.verify.approval_lead")
	n := shownNumber(t, p)
	// Not answered yet: the page again, nothing counted.
	p = b.Submit(p, "reset/verify")
	env.Expect(p, 200, "reset.verify.approval_waiting")
	if failures(t, env) != 0 {
		t.Fatal("waiting counted as a failed gate")
	}
	if shownNumber(t, p) != n {
		t.Fatal("the number changed while waiting")
	}
	msg := srv.last(t)
	for _, a := range msg.Actions {
		if a.Label == n {
			if code := pressOn(env, a.URL); code != 200 {
				t.Fatalf("pressing %s: %d", n, code)
			}
		}
	}
	p = b.Submit(p, "reset/verify")
	env.Expect(p, 200, "reset.password.new")
}

func TestApprovalDenied(t *testing.T) {
	env, srv := flowEnv(t)
	b := env.Browser()
	p := env.Identify(b, "reset", "alice")
	p = b.Submit(p, "reset/method", "method", Name)
	if code := pressOn(env, srv.last(t).Actions[2].URL); code != 200 {
		t.Fatalf("deny: %d", code)
	}
	p = b.Submit(p, "reset/verify")
	env.Expect(p, 422, "reset.error.approval_denied")
	if failures(t, env) != 1 {
		t.Fatal("a denial did not count as a failed gate")
	}
	// A new notification can be asked for; it carries a new number's answers.
	p = b.Submit(p, "reset/resend")
	env.Expect(p, 200, "reset.verify.approval_lead")
	if srv.count() != 2 {
		t.Fatalf("%d pushes", srv.count())
	}
	env.Clock.Advance(Timeout + time.Second)
	p = b.Submit(p, "reset/verify")
	env.Expect(p, 422, "reset.error.approval_expired")
}

// The same walk with Duo: the page's number travels in the push's details,
// and the outcome is asked of Duo when the user says they answered.
func TestResetWithDuo(t *testing.T) {
	env := flowtest.New(t)
	u := env.AddUser("alice")
	duo := newDuoFake(t, false)
	m := &AppNotify{Registrations: methodstest.NewRegistrations(), Codes: env.Store.Codes(), Limits: env.Store.Limits(),
		Secret: env.Codes.Secret, Now: env.Clock.Now, Provider: duo.provider(), ProviderName: "duo"}
	if _, _, err := m.Enroll(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	env.Methods = append(env.Methods, m)
	env.Reset(config.Reset{Methods: []string{"email", Name}})
	b := env.Browser()
	p := env.Identify(b, "reset", "alice")
	p = b.Submit(p, "reset/method", "method", Name)
	n := shownNumber(t, p)
	info, _ := url.ParseQuery(duo.lastPush().Get("pushinfo"))
	if info.Get("number") != n {
		t.Fatalf("the page shows %s, the push carries %v", n, info)
	}
	p = b.Submit(p, "reset/verify")
	env.Expect(p, 200, "reset.verify.approval_waiting")
	duo.setResult("45f7c92b-f45f-4862-8545-000000000001", "allow")
	p = b.Submit(p, "reset/verify")
	env.Expect(p, 200, "reset.password.new")
}
