package register_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/appcode"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/appnotify"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/passkey"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/questions"
	"github.com/frontdoor-sspr/frontdoor/flows/register"
	"github.com/frontdoor-sspr/frontdoor/flows/register/enrolment"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

// setupMethods mounts the page with the four methods' sections (3
// questions to register) and signs a browser in as alice.
func setupMethods(t *testing.T, edit ...func(*idp.User)) (*flowtest.Env, *flowtest.RegisterEnv, *flowtest.Browser, idp.User) {
	t.Helper()
	e := flowtest.New(t)
	re := e.RegisterWith(register.Options{Email: true}, 3, func(env methods.Env) register.Enrolments {
		return enrolment.From([]methods.Method{questions.New(env), appcode.New(env), passkey.New(env), appnotify.New(env)},
			[]string{"security_questions", "app_code", "passkey", "app_notification"})
	})
	alice := e.AddUser("alice", edit...)
	b := e.Browser()
	re.Sessions.SignIn(b, alice)
	return e, re, b, alice
}

// expectNotice checks that the last notice tells what happened to method,
// sent to alice's directory address, with no value in it.
func expectNotice(t *testing.T, re *flowtest.RegisterEnv, n int, method, action string) {
	t.Helper()
	ns := re.Notices()
	if len(ns) != n {
		t.Fatalf("%d notices, want %d: %+v", len(ns), n, ns)
	}
	last := ns[n-1]
	if last.Change.What != method || last.Change.Action != action || last.Change.Masked != "" ||
		!slices.Equal(last.To, []string{"alice@example.test"}) {
		t.Errorf("notice = %+v; want %s %s to the account's address", last, method, action)
	}
}

func TestSecurityQuestionsRegisterReplaceRemove(t *testing.T) {
	e, re, b, alice := setupMethods(t)
	q := re.Flow.Methods.Questions
	p := b.Get(flowtest.Prefix + "register")
	e.Expect(p, 200, "register.security_questions.title", "register.app_code.title", "register.passkey.title", "register.app_notification.title")

	p = b.Submit(p, "register/security_questions/edit")
	e.Expect(p, 200, "register.security_questions.save", "question.q01", "question.q35")
	if n := strings.Count(p.Body, `<select id="f-question`); n != 3 {
		t.Fatalf("%d questions to pick, want 3", n)
	}

	// A too short second answer: the form again, as typed, the error next
	// to that answer; nothing stored.
	p = b.Submit(p, "register/security_questions",
		"question1", "q01", "answer1", "Lyon", "question2", "q02", "answer2", "ab", "question3", "q03", "answer3", "Camille")
	e.Expect(p, 422, "question.error.length")
	for _, kept := range []string{`value="Lyon"`, `value="Camille"`, `value="q03" selected`, `id="f-answer2-error"`} {
		if !strings.Contains(p.Body, kept) {
			t.Errorf("the form after an error lost %s:\n%s", kept, p.Body)
		}
	}
	if n, _ := q.Registered(context.Background(), alice); n != 0 {
		t.Fatalf("a refused set was stored: %d", n)
	}

	p = b.Submit(p, "register/security_questions",
		"question1", "q01", "answer1", "Lyon", "question2", "q02", "answer2", "Rex", "question3", "q03", "answer3", "Camille")
	e.Expect(p, 200, "register.saved.security_questions", "register.security_questions.replace")
	if strings.Contains(p.Body, "Camille") {
		t.Errorf("the overview shows an answer:\n%s", p.Body)
	}
	if n, _ := q.Registered(context.Background(), alice); n != 3 {
		t.Fatalf("registered %d, want 3 questions", n)
	}
	expectNotice(t, re, 1, "security_questions", methods.ChangeRegistered)

	p = b.Submit(b.Submit(p, "register/security_questions/edit"), "register/security_questions",
		"question1", "q04", "answer1", "Paris", "question2", "q05", "answer2", "Blue", "question3", "q06", "answer3", "Smith")
	e.Expect(p, 200, "register.saved.security_questions")
	expectNotice(t, re, 2, "security_questions", methods.ChangeReplaced)

	p = b.Submit(p, "register/method/remove", "method", "security_questions")
	e.Expect(p, 200, "register.saved.removed")
	if n, _ := q.Registered(context.Background(), alice); n != 0 {
		t.Fatalf("after removal: %d", n)
	}
	expectNotice(t, re, 3, "security_questions", methods.ChangeRemoved)

	// Nothing left to remove (a second tab): nothing to notify.
	p = b.Post(flowtest.Prefix+"register/method/remove", url.Values{"csrf_token": {p.CSRF(t)}, "method": {"security_questions"}})
	e.Expect(p, 422, "register.error.gone")
	expectNotice(t, re, 3, "security_questions", methods.ChangeRemoved)
}

func TestSecurityQuestionsRefusedToPrivileged(t *testing.T) {
	e, _, b, _ := setupMethods(t, func(u *idp.User) { u.Privileged = true })
	p := b.Get(flowtest.Prefix + "register")
	e.ExpectNot(p, "register.security_questions.title")
	p = b.Post(flowtest.Prefix+"register/security_questions/edit", url.Values{"csrf_token": {p.CSRF(t)}})
	e.Expect(p, 422, "question.error.privileged")
}

var keyRE = regexp.MustCompile(`<code dir="ltr" id="app-code-key">([A-Z2-7 ]+)</code>`)

func TestAppCodeCountsAfterOneRightCode(t *testing.T) {
	e, re, b, alice := setupMethods(t)
	app := re.Flow.Methods.AppCode
	p := b.Submit(b.Get(flowtest.Prefix+"register"), "register/app_code/begin")
	e.Expect(p, 200, "register.app_code.scan", "register.app_code.key_help")
	if !strings.Contains(p.Body, `src="data:image/png;base64,`) {
		t.Fatalf("no server-rendered QR code:\n%s", p.Body)
	}
	if p.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the page with the key may be cached: %q", p.Header.Get("Cache-Control"))
	}
	m := keyRE.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no key shown:\n%s", p.Body)
	}
	key := strings.ReplaceAll(m[1], " ", "")
	// A key shown but not confirmed is no registration for the policy.
	if has, known, err := enrolment.Has(context.Background(), re.Flow.Methods, alice, "app_code"); has || !known || err != nil {
		t.Errorf("Has(app_code) before the first code = %v, %v, %v; want false, true", has, known, err)
	}
	right, err := totp.GenerateCode(key, e.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}

	p = b.Submit(p, "register/app_code", "code", wrongCode(right))
	e.Expect(p, 422, "reset.error.code", "register.app_code.again")
	if on, _, _ := app.Registered(context.Background(), alice); on {
		t.Fatal("a wrong code registered the app")
	}
	if len(re.Notices()) != 0 {
		t.Fatalf("notices before the app counts: %+v", re.Notices())
	}

	p = b.Submit(p, "register/app_code", "code", right)
	e.Expect(p, 200, "register.saved.app_code", "register.app_code.replace")
	if on, _, _ := app.Registered(context.Background(), alice); !on {
		t.Fatal("the right code did not register the app")
	}
	if has, _, _ := enrolment.Has(context.Background(), re.Flow.Methods, alice, "app_code"); !has {
		t.Error("Has(app_code) after the first code = false")
	}
	if strings.Contains(p.Body, m[1]) {
		t.Error("the overview shows the key")
	}
	expectNotice(t, re, 1, "app_code", methods.ChangeRegistered)
	if c := contact(t, re, alice); !c.ConfirmedAt.Equal(e.Clock.Now().Truncate(1e9)) {
		t.Errorf("registering the app did not confirm the security info: %v", c.ConfirmedAt)
	}

	p = b.Submit(p, "register/method/remove", "method", "app_code")
	e.Expect(p, 200, "register.saved.removed", "register.app_code.add")
	expectNotice(t, re, 2, "app_code", methods.ChangeRemoved)
}

func TestPasskeyPageRunsItsScriptOnly(t *testing.T) {
	e, re, b, alice := setupMethods(t)
	p := b.Get(flowtest.Prefix + "register")
	// Every page may load frontdoor's own script files (the show-password
	// button); only the passkey page loads the passkey script.
	passkeyJS := regexp.MustCompile(`<script src="[^"]*passkey[^"]*\.js"></script>`)
	if passkeyJS.MatchString(p.Body) {
		t.Error("the overview loads the passkey script")
	}
	p = b.Submit(p, "register/passkey/begin")
	e.Expect(p, 200, "register.passkey.lead", "register.passkey.start")
	if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("the passkey page's policy: %s", csp)
	}
	if !passkeyJS.MatchString(p.Body) || regexp.MustCompile(`<script(\s[^>]*)?>[^<]`).MatchString(p.Body) {
		t.Error("the passkey page does not load its script file, or has inline script")
	}
	m := regexp.MustCompile(`data-passkey-create="([^"]+)"`).FindStringSubmatch(p.Body)
	if m == nil || !strings.Contains(html.UnescapeString(m[1]), `"userVerification":"required"`) {
		t.Fatalf("no creation options requiring user verification:\n%s", p.Body)
	}
	if strings.Contains(html.UnescapeString(m[1]), alice.ID) {
		t.Error("the options give the account ID to the authenticator")
	}

	// An answer that is not a credential: refused, nothing registered or
	// notified, and the ceremony is used up.
	p = b.Submit(p, "register/passkey", "credential", `{"id":"x","type":"public-key"}`)
	e.Expect(p, 422, "register.error.passkey")
	if has, known, _ := enrolment.Has(context.Background(), re.Flow.Methods, alice, "passkey"); has || !known {
		t.Errorf("Has(passkey) after a ceremony that failed = %v, %v", has, known)
	}
	if n, _ := re.Flow.Methods.Passkey.Count(context.Background(), alice); n != 0 || len(re.Notices()) != 0 {
		t.Fatalf("passkeys %d, notices %+v after a refused answer", n, re.Notices())
	}
}

func TestAppNotificationNtfyTopicShownOnce(t *testing.T) {
	e, re, b, _ := setupMethods(t)
	p := b.Submit(b.Get(flowtest.Prefix+"register"), "register/app_notification")
	e.Expect(p, 200, "register.saved.app_notification", "register.app_notification.subscribe")
	m := regexp.MustCompile(`<code dir="ltr">(fd-[a-z2-7]{26})</code>`).FindStringSubmatch(p.Body)
	if m == nil || !strings.Contains(p.Body, flowtest.NtfyURL+"/"+m[1]) {
		t.Fatalf("no topic and subscription address:\n%s", p.Body)
	}
	expectNotice(t, re, 1, "app_notification", methods.ChangeRegistered)
	p = b.Get(flowtest.Prefix + "register")
	e.Expect(p, 200, "register.app_notification.replace")
	if strings.Contains(p.Body, m[1]) {
		t.Error("the overview shows the topic again")
	}
	e.Expect(b.Submit(p, "register/app_notification"), 200, "register.app_notification.subscribe")
	expectNotice(t, re, 2, "app_notification", methods.ChangeReplaced)
	e.Expect(b.Submit(b.Get(flowtest.Prefix+"register"), "register/method/remove", "method", "app_notification"), 200, "register.saved.removed")
	expectNotice(t, re, 3, "app_notification", methods.ChangeRemoved)
}

func TestMethodPostsNeedRecentSignInAndToken(t *testing.T) {
	for _, action := range []string{"register/security_questions/edit", "register/security_questions", "register/app_code/begin",
		"register/app_code", "register/passkey/begin", "register/passkey", "register/app_notification", "register/method/remove"} {
		t.Run(action, func(t *testing.T) {
			e, re, b, _ := setupMethods(t)
			p := b.Get(flowtest.Prefix + "register")
			if got := b.Post(flowtest.Prefix+action, url.Values{"csrf_token": {"forged"}, "method": {"app_code"}}); got.Status != 403 {
				t.Errorf("a forged token: %d, want 403", got.Status)
			}
			re.Sessions.Stale(b)
			if got := b.Post(flowtest.Prefix+action, url.Values{"csrf_token": {p.CSRF(t)}, "method": {"app_code"}}); got.Status != 401 {
				t.Errorf("an old sign-in: %d, want 401", got.Status)
			}
			if len(re.Notices()) != 0 {
				t.Errorf("notices: %+v", re.Notices())
			}
			_ = e
		})
	}
}

// duoDouble is a stand-in for the Duo provider whose preauth says the
// account cannot take pushes (not enrolled in Duo).
type duoDouble struct{}

func (duoDouble) Send(context.Context, appnotify.Push) (string, error) {
	return "", appnotify.ErrNotReady
}
func (duoDouble) Status(context.Context, string) (appnotify.Outcome, error) {
	return 0, appnotify.ErrNotReady
}
func (duoDouble) Ready(context.Context, string) error { return appnotify.ErrNotReady }
func (duoDouble) CallsBack() bool                     { return false }

func TestAppNotificationNotReadyAtProvider(t *testing.T) {
	e, re, b, alice := setupMethods(t)
	re.Flow.Methods.AppNotify.(enrolment.AppNotify).Provider = duoDouble{}
	p := b.Submit(b.Get(flowtest.Prefix+"register"), "register/app_notification")
	e.Expect(p, 422, "register.error.app_notification_not_ready")
	if on, _, _ := re.Flow.Methods.AppNotify.Registered(context.Background(), alice); on || len(re.Notices()) != 0 {
		t.Fatalf("registered %v, notices %+v, after the provider refused", on, re.Notices())
	}
}
