package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestResetBlockedAfterFailedCodes: five wrong codes spend the code; after
// a resend, one more wrong code blocks the reset flow of the account for a
// day, and the directory account itself is not locked.
func TestResetBlockedAfterFailedCodes(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, password := slapdUser(t)
	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, "reset")}})
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	wrongCodesUntilBlocked(t, fd, c, body)
	// A new flow for the same account stays blocked: no code is sent. The
	// first flow's two codes (the first and the resend) and the notice of
	// the block (S-3) go out in the background: count them once all are in.
	mp := testenv.Mailpit(t)
	ctx := context.Background()
	var msgs []testenv.MailSummary
	for deadline := time.Now().Add(15 * time.Second); len(msgs) < 3 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var err error
		if msgs, err = mp.Messages(ctx, mail); err != nil {
			t.Fatal(err)
		}
	}
	notices := 0
	for _, m := range msgs {
		if m.Subject == "Self-service for your account is blocked for 24 hours" {
			notices++
			text, err := mp.Text(ctx, m.ID)
			if err != nil || !strings.Contains(text, "Your account "+login) && !strings.Contains(text, "your account "+login) || !strings.Contains(text, "did not change") ||
				!strings.Contains(text, "The last wrong answer came from the network address 127.0.0.1.") {
				t.Fatalf("the notice does not say what happened (%v):\n%s", err, text)
			}
		}
	}
	if len(msgs) != 3 || notices != 1 {
		t.Fatalf("%d mails to the user, %d of them notices of the block; want the first code, the resend and one notice", len(msgs), notices)
	}
	// The notice is an audit event too, recorded once it is queued.
	var noticed []store.Event
	for deadline := time.Now().Add(10 * time.Second); len(noticed) == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var err error
		if noticed, err = fd.srv.store.Audit().List(ctx, store.Filter{Type: audit.NoticeSent}); err != nil {
			t.Fatal(err)
		}
	}
	if len(noticed) != 1 || noticed[0].Outcome != "queued" || noticed[0].Detail["notice"] != "blocked_notice" || noticed[0].Detail["addresses"] != "1" {
		t.Fatalf("notice events %+v, want one blocked_notice queued for one address", noticed)
	}
	sent := len(msgs)
	// Wrong codes posted in parallel may each see the block: the owner still
	// hears of it once a day (checked with the new flow's mails below).
	u, err := fd.srv.directory.Lookup(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		fd.srv.noticeBlocked(httptest.NewRequest(http.MethodPost, "/.frontdoor/reset/verify", nil), u)
	}
	c2 := browser(t)
	_, _, body = page(t, c2, "GET", fd.URL+"/.frontdoor/reset", nil)
	_, _, body = page(t, c2, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c2, "reset")}})
	if !strings.Contains(body, `name="method"`) {
		t.Fatalf("in generic mode the blocked account's new flow walks on to the method page, as any other:\n%s", body)
	}
	page(t, c2, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if msgs, _ := mp.Messages(ctx, mail); len(msgs) != sent {
			t.Fatalf("%d messages after the blocked account's new flow, %d before: a code or a second notice was sent", len(msgs), sent)
		}
	}
	events, _ := fd.srv.store.Audit().List(context.Background(), store.Filter{Type: audit.Blocked})
	if len(events) == 0 {
		t.Error("no audit event for the block")
	}
	if err := slapdBind(t, login, password); err != nil {
		t.Errorf("the directory account was locked by failed codes: %v", err)
	}
}

// wrongCodesUntilBlocked posts five wrong codes at the code page body,
// which spend the code, asks for another, and posts one more wrong code,
// which blocks the account's reset for a day.
func wrongCodesUntilBlocked(t *testing.T, fd *frontdoor, c *http.Client, body string) {
	t.Helper()
	for i := 1; i <= 5; i++ {
		var status int
		status, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {"00000000"}})
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong code %d: status %d", i, status)
		}
	}
	if !strings.Contains(body, "Ask for a new code") {
		t.Fatalf("after five wrong codes the page does not say the code is gone:\n%s", body)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/resend", url.Values{"csrf_token": {csrf(t, body)}})
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {"00000000"}})
	if !strings.Contains(body, "blocked for this account for 24 hours") {
		t.Fatalf("the sixth wrong code did not block the account's reset:\n%s", body)
	}
}

// TestResetCaptchaIsSingleUse: a CAPTCHA answer works once; replaying it,
// right or wrong, does not pass.
func TestResetCaptchaIsSingleUse(t *testing.T) {
	fd := startFrontdoor(t, nil)
	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
	answer := fd.captchaAnswer(t, c, "reset")
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {"alice"}, "captcha": {"000000"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "did not match") {
		t.Fatalf("wrong CAPTCHA: %d", status)
	}
	// The right answer to the first picture no longer works: a wrong try
	// replaced it (once in a million the new digits are the same: try again).
	for fd.captchaAnswer(t, c, "reset") == answer {
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
			"csrf_token": {csrf(t, body)}, "login": {"alice"}, "captcha": {"x"}})
	}
	status, _, _ = page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {"alice"}, "captcha": {answer}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("replayed answer of a retired CAPTCHA: status %d", status)
	}
}

// TestResetConfirmationMismatchWritesNothing: two different passwords are
// refused before anything reaches the directory.
func TestResetConfirmationMismatchWritesNothing(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, password := slapdUser(t)
	c, body := resetWalk(t, fd, login, mail)
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {"Tulip-Harbour-Quartz-71"}, "confirm": {"Tulip-Harbour-Quartz-72"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "do not match") {
		t.Fatalf("mismatched confirmation: %d", status)
	}
	if err := slapdBind(t, login, password); err != nil {
		t.Errorf("the password changed: %v", err)
	}
}

// TestResetStepsRefuseOtherMethods: the POST-only steps do not answer GET,
// and the pages do not answer other methods.
func TestResetStepsRefuseOtherMethods(t *testing.T) {
	fd := startFrontdoor(t, nil)
	c := browser(t)
	for _, step := range []string{"identify", "method", "verify", "resend", "password"} {
		status, _, _ := page(t, c, "GET", fd.URL+"/.frontdoor/reset/"+step, nil)
		if status != http.StatusMethodNotAllowed && status != http.StatusNotFound {
			t.Errorf("GET %s: status %d", step, status)
		}
	}
	req, _ := http.NewRequest(http.MethodPut, fd.URL+"/.frontdoor/reset", strings.NewReader("x"))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusNotFound {
		t.Errorf("PUT reset: status %d", resp.StatusCode)
	}
}

// TestResetCaptchaFieldMissingOrRepeated (H-2): identify with the CAPTCHA
// field left out, empty, sent twice (even right both times), or as an
// array is refused, fails closed, and the flow stays at identify.
func TestResetCaptchaFieldMissingOrRepeated(t *testing.T) {
	fd := startFrontdoor(t, nil)
	for name, form := range map[string]func(right string) url.Values{
		"missing":          func(string) url.Values { return url.Values{} },
		"empty":            func(string) url.Values { return url.Values{"captcha": {""}} },
		"twice, right":     func(right string) url.Values { return url.Values{"captcha": {right, right}} },
		"wrong then right": func(right string) url.Values { return url.Values{"captcha": {"000000", right}} },
		"as an array":      func(right string) url.Values { return url.Values{"captcha[]": {right}} },
	} {
		t.Run(name, func(t *testing.T) {
			c := browser(t)
			_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
			v := form(fd.captchaAnswer(t, c, "reset"))
			v.Set("csrf_token", csrf(t, body))
			v.Set("login", "alice")
			status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", v)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, "did not match") {
				t.Errorf("status %d, want 422 with the CAPTCHA error", status)
			}
			if step := fd.flowStep(t, c, "reset"); step != "identify" {
				t.Errorf("the flow moved to %q", step)
			}
		})
	}
}

// TestSafeMethodsChangeNothing (L-3): a flow's steps asked by GET or HEAD,
// with the form in the query, a `_method=POST` override and an
// X-HTTP-Method-Override header, are refused. Nothing is sent, no gate is
// passed, and the flow stays where it was.
func TestSafeMethodsChangeNothing(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, _ := slapdUser(t)
	mp := emptyMailbox(t, mail)
	ctx := context.Background()
	c := browser(t)
	body := fd.identify(t, c, login)
	try := func(step string, form url.Values) {
		t.Helper()
		form.Set("csrf_token", csrf(t, body))
		form.Set("_method", "POST")
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			req, _ := http.NewRequest(method, fd.URL+"/.frontdoor/reset/"+step+"?"+form.Encode(), nil)
			req.Header.Set("X-HTTP-Method-Override", "POST")
			resp, err := noFollow(c).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s: status %d", method, step, resp.StatusCode)
			}
		}
	}
	try("method", url.Values{"method": {"email"}})
	if step := fd.flowStep(t, c, "reset"); step != "method" {
		t.Fatalf("the flow moved to %q", step)
	}
	time.Sleep(2 * time.Second) // sends are asynchronous: give one time to land
	if msgs, err := mp.Messages(ctx, mail); err != nil || len(msgs) != 0 {
		t.Fatalf("%d messages after GET and HEAD of the method step (%v)", len(msgs), err)
	}

	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	msg, err := mp.WaitFor(ctx, mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) })
	if err != nil {
		t.Fatal(err)
	}
	try("verify", url.Values{"code": {codeRE.FindStringSubmatch(msg.Text)[1]}})
	try("resend", url.Values{})
	if step := fd.flowStep(t, c, "reset"); step != "verify" {
		t.Errorf("the flow moved to %q", step)
	}
	if ev, _ := fd.srv.store.Audit().List(ctx, store.Filter{Type: audit.MethodPassed}); len(ev) != 0 {
		t.Errorf("%d gates passed by GET or HEAD", len(ev))
	}
	time.Sleep(time.Second)
	if msgs, _ := mp.Messages(ctx, mail); len(msgs) != 1 {
		t.Errorf("%d messages, want the one code the POST asked for", len(msgs))
	}
}
