package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// noFollow returns a copy of c that shows redirects instead of following them.
func noFollow(c *http.Client) *http.Client {
	n := *c
	n.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &n
}

// response is what an observer sees of one answer.
type response struct {
	Status   int
	Location string
	Headers  []string // "Name: value", sorted, per-request values masked
	Cookies  []string // name and attributes of each cookie set, not its value
	Body     string   // with per-request values (tokens, IDs) masked
}

var maskRE = regexp.MustCompile(`value="[A-Za-z0-9_-]{40,}"|[0-9a-f]{32}|nonce-[A-Za-z0-9+/_=-]+`)

// perRequestHeaders differ on every answer by design: the date, the
// request's ID, and cookies (compared without their values).
var perRequestHeaders = []string{"Date", "X-Request-Id", "Set-Cookie"}

func observe(t *testing.T, c *http.Client, method, u string, form url.Values) response {
	t.Helper()
	var resp *http.Response
	var err error
	if form == nil {
		resp, err = c.Get(u)
	} else {
		resp, err = c.PostForm(u, form)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	r := response{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: maskRE.ReplaceAllString(b.String(), "MASKED")}
	for k, vs := range resp.Header {
		if !slices.Contains(perRequestHeaders, k) {
			r.Headers = append(r.Headers, k+": "+maskRE.ReplaceAllString(strings.Join(vs, ", "), "MASKED"))
		}
	}
	slices.Sort(r.Headers)
	for _, ck := range resp.Cookies() {
		r.Cookies = append(r.Cookies, fmt.Sprintf("%s path=%s max-age=%d secure=%v httponly=%v samesite=%v", ck.Name, ck.Path, ck.MaxAge, ck.Secure, ck.HttpOnly, ck.SameSite))
	}
	return r
}

// TestResetGenericDisclosure: in generic mode a normal account, an unknown
// user ID (as typed, in capitals and with spaces), a disabled, a privileged,
// a permanently locked, a locked-out, a must-change account and one without
// email get the same answers at every step: status, redirect, every header
// and its value, every cookie's attributes, and the page. Only the eligible
// accounts receive a code.
func TestResetGenericDisclosure(t *testing.T) { genericDisclosure(t, "reset") }

// TestUnlockGenericDisclosure: the same accounts through the unlock
// flow get the same answers as each other, and only the eligible ones a
// code.
func TestUnlockGenericDisclosure(t *testing.T) { genericDisclosure(t, "unlock") }

// genericDisclosure walks the eleven accounts through the flow kind (reset or
// unlock) up to a wrong code and a resend, and compares every answer with
// alice's.
func genericDisclosure(t *testing.T, kind string) {
	fd := startFrontdoor(t, nil)
	mp := testenv.Mailpit(t)
	ctx := context.Background()
	expired, expiredMail := expiredSlapdUser(t)
	users := []struct {
		login, mail string
		code        bool // eligible: gets a code
	}{
		{"alice", "alice@example.test", true},
		{"nosuchuser", "nosuchuser@example.test", false},
		{"  NoSuchOther  ", "", false}, // another key: the tries left count per account key
		{"disabled", "disabled@example.test", false},
		{"admin1", "admin1@example.test", false},
		{"permlocked", "permlocked@example.test", false},
		{"locked", "locked@example.test", true},
		{"mustchange", "mustchange@example.test", true},
		{"nocontact", "", false},
		{"shared@example.test", "shared@example.test", false},
		{expired, expiredMail, false},
	}
	for _, u := range users {
		if u.mail != "" {
			mp.Delete(ctx, u.mail)
		}
	}
	var want []response
	for _, u := range users {
		c := browser(t)
		nf := noFollow(c)
		_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/"+kind, nil)
		seen := []response{observe(t, nf, "POST", fd.URL+"/.frontdoor/"+kind+"/identify", url.Values{
			"csrf_token": {csrf(t, body)}, "login": {u.login}, "captcha": {fd.captchaAnswer(t, c, kind)}})}
		_, _, body = page(t, c, "GET", fd.URL+"/.frontdoor/"+kind+"/step", nil)
		seen = append(seen, observe(t, nf, "GET", fd.URL+"/.frontdoor/"+kind+"/step", nil))
		seen = append(seen, observe(t, nf, "POST", fd.URL+"/.frontdoor/"+kind+"/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}}))
		_, _, body = page(t, c, "GET", fd.URL+"/.frontdoor/"+kind+"/step", nil)
		seen = append(seen, observe(t, nf, "GET", fd.URL+"/.frontdoor/"+kind+"/step", nil))
		seen = append(seen, observe(t, nf, "POST", fd.URL+"/.frontdoor/"+kind+"/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {"12345678"}}))
		_, _, body = page(t, c, "GET", fd.URL+"/.frontdoor/"+kind+"/step", nil)
		seen = append(seen, observe(t, nf, "POST", fd.URL+"/.frontdoor/"+kind+"/resend", url.Values{"csrf_token": {csrf(t, body)}}))
		seen = append(seen, observe(t, nf, "GET", fd.URL+"/.frontdoor/"+kind+"/step", nil))
		if want == nil {
			// alice's walk is the reference: it must have gone through
			// every step, or every comparison would hold for nothing.
			if seen[0].Status != http.StatusSeeOther || seen[2].Status != http.StatusSeeOther ||
				seen[4].Status != http.StatusUnprocessableEntity || !strings.Contains(seen[4].Body, `name="code"`) {
				t.Fatalf("alice's walk did not reach a wrong-code answer: %+v", seen)
			}
			want = seen
			continue
		}
		for i := range seen {
			if a, b := seen[i], want[i]; a.Status != b.Status || a.Location != b.Location || !slices.Equal(a.Headers, b.Headers) || !slices.Equal(a.Cookies, b.Cookies) || a.Body != b.Body {
				t.Errorf("%s: answer %d differs from alice's:\n got  %+v\n want %+v", u.login, i, a, b)
			}
		}
	}
	for _, u := range users {
		if u.code {
			if _, err := mp.WaitFor(ctx, u.mail, 10*time.Second, nil); err != nil {
				t.Errorf("%s got no code: %v", u.login, err)
			}
		}
	}
	for _, u := range users {
		if u.mail == "" || u.code {
			continue
		}
		if msgs, _ := mp.Messages(ctx, u.mail); len(msgs) > 0 {
			t.Errorf("%s received %d messages; only an eligible account may", u.login, len(msgs))
		}
	}
}

// TestResetStepsCannotBeSkipped posts to every later step of a flow that is
// still at identify, and without a CSRF token.
func TestResetStepsCannotBeSkipped(t *testing.T) {
	fd := startFrontdoor(t, nil)
	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
	token := csrf(t, body)
	for _, step := range []string{"method", "verify", "resend", "password"} {
		status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/reset/"+step, url.Values{
			"csrf_token": {token}, "method": {"email"}, "code": {"12345678"}, "password": {"Quartz-Meadow-93"}, "confirm": {"Quartz-Meadow-93"}})
		if status != http.StatusConflict {
			t.Errorf("POST %s at identify: status %d, want 409", step, status)
		}
	}
	status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{"login": {"alice"}, "captcha": {fd.captchaAnswer(t, c, "reset")}})
	if status != http.StatusForbidden {
		t.Errorf("identify without a CSRF token: status %d, want 403", status)
	}
	other := browser(t)
	page(t, other, "GET", fd.URL+"/.frontdoor/reset", nil)
	status, _, _ = page(t, other, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{"csrf_token": {token}, "login": {"alice"}, "captcha": {fd.captchaAnswer(t, other, "reset")}})
	if status != http.StatusForbidden {
		t.Errorf("identify with another browser's token: status %d, want 403", status)
	}
	if step := fd.flowStep(t, c, "reset"); step != "identify" {
		t.Errorf("flow moved to %q", step)
	}
}

// TestResetPasswordBeforeTheCode (O-2): a flow past identify and method,
// its code mailed but not entered, posts the new password straight away,
// with the flow's own CSRF token: 409, the flow stays at verify, and the
// directory still has the old password.
func TestResetPasswordBeforeTheCode(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, old := slapdUser(t)
	c := browser(t)
	body := fd.identify(t, c, login)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	if step := fd.flowStep(t, c, "reset"); step != "verify" {
		t.Fatalf("flow at %q after the method, want verify", step)
	}
	waitCode(t, mail) // sent, never entered
	pw := "Skipped-Code-Walnut-58"
	status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if status != http.StatusConflict {
		t.Errorf("POST password at verify: status %d, want 409", status)
	}
	if step := fd.flowStep(t, c, "reset"); step != "verify" {
		t.Errorf("flow moved to %q", step)
	}
	if err := slapdBind(t, login, pw); err == nil {
		t.Error("the new password binds: it was written without the code")
	}
	if err := slapdBind(t, login, old); err != nil {
		t.Errorf("the old password no longer binds: %v", err)
	}
}

// TestResetParallelFinalSubmits (E-1): 30 submits of the last step of one
// flow, each with a different password, released at once. Exactly one
// succeeds; exactly one Password Modify reaches the directory (counted on
// the wire); the directory ends with the winner's password, and no other
// binds.
func TestResetParallelFinalSubmits(t *testing.T) {
	fd, tap := frontdoorBehindTap(t, nil)
	login, mail, _ := slapdUser(t)
	c, body := resetWalk(t, fd, login, mail)
	token := csrf(t, body)
	const n = 30
	passwords := make([]string, n)
	statuses := make([]int, n)
	for i := range passwords {
		passwords[i] = fmt.Sprintf("Parallel-Tulip-%02d-%s!", i, time.Now().Format("150405.000"))
	}
	before := tap.count()
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			form := url.Values{"csrf_token": {token}, "password": {passwords[i]}, "confirm": {passwords[i]}}
			resp, err := noFollow(c).PostForm(fd.URL+"/.frontdoor/reset/password", form)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, st := range statuses {
		switch {
		case st == http.StatusSeeOther && winner >= 0:
			t.Errorf("submits %d and %d both succeeded", winner, i)
		case st == http.StatusSeeOther:
			winner = i
		case st < 400:
			t.Errorf("submit %d: status %d, want a refusal", i, st)
		}
	}
	if winner < 0 {
		t.Fatalf("no submit succeeded: %v", statuses)
	}
	if writes := tap.passwordWritesSince(before); writes != 1 {
		t.Errorf("%d Password Modify requests reached the directory, want 1", writes)
	}
	events, err := fd.srv.store.Audit().List(context.Background(), store.Filter{Type: audit.PasswordReset})
	if err != nil || len(events) != 1 {
		t.Errorf("%d password.reset events (%v), want 1", len(events), err)
	}
	if err := slapdBind(t, login, passwords[winner]); err != nil {
		t.Errorf("the winner's password does not bind: %v", err)
	}
	// One value, so no other password binds (binding each would trip the
	// lockout after a few and prove nothing).
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	res, err := slapdRoot(t).Search(ldap.NewSearchRequest("uid="+login+",ou=people,"+base, ldap.ScopeBaseObject,
		ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", []string{"userPassword"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("read the entry: %v", err)
	}
	if got := res.Entries[0].GetAttributeValues("userPassword"); len(got) != 1 {
		t.Errorf("userPassword has %d values, want 1", len(got))
	}
}

// TestResetLinksIgnoreHostHeaders walks a whole reset with forged Host and
// X-Forwarded-Host: every link frontdoor builds still points at public_url.
func TestResetLinksIgnoreHostHeaders(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, _ := slapdUser(t)
	c, body := resetWalk(t, fd, login, mail)
	forged := &forgeHost{next: http.DefaultTransport}
	c.Transport = forged
	pw := "Forged-Harbour-" + time.Now().Format("150405.000") + "!"
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if strings.Contains(body, "evil.example") {
		t.Fatalf("a forged host reached the page:\n%s", body)
	}
	if back := backLink(t, body); !strings.HasPrefix(back, fd.URL+"/") {
		t.Errorf("back link %q is not on public_url", back)
	}
	msg, err := testenv.Mailpit(t).WaitFor(context.Background(), mail, 10*time.Second, func(m testenv.Mail) bool { return strings.Contains(m.Text, "was reset") })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(msg.Text+msg.HTML, "evil.example") {
		t.Error("a forged host reached the confirmation email")
	}
}

type forgeHost struct{ next http.RoundTripper }

func (f *forgeHost) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Host = "evil.example"
	r.Header.Set("X-Forwarded-Host", "evil.example")
	r.Header.Set("X-Forwarded-Proto", "https")
	return f.next.RoundTrip(r)
}

// TestResetReturnToRefusesOpenRedirects starts a flow with each payload of the
// corpus: none is remembered.
func TestResetReturnToRefusesOpenRedirects(t *testing.T) {
	fd := startFrontdoor(t, nil)
	payloads := openRedirectPayloads(t)
	for _, p := range payloads {
		c := browser(t)
		page(t, c, "GET", fd.URL+"/.frontdoor/reset?return_to="+url.QueryEscape(p), nil)
		if rt := fd.returnTo(t, c); rt != "" {
			t.Errorf("return_to %q remembered as %q", p, rt)
		}
	}
	c := browser(t)
	page(t, c, "GET", fd.URL+"/.frontdoor/reset?return_to="+url.QueryEscape("/simplesaml/module.php/core/loginuserpass.php?AuthState=x"), nil)
	if rt := fd.returnTo(t, c); rt != "/simplesaml/module.php/core/loginuserpass.php?AuthState=x" {
		t.Errorf("a same-origin sign-in page was not remembered: %q", rt)
	}
}

func (fd *frontdoor) returnTo(t *testing.T, c *http.Client) string {
	t.Helper()
	u, _ := url.Parse(fd.URL + "/.frontdoor/")
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "frontdoor_reset" {
			var s struct {
				ReturnTo string `json:"return_to"`
			}
			if _, err := fd.srv.engine.Peek(context.Background(), "reset", ck.Value, &s); err != nil {
				t.Fatal(err)
			}
			return s.ReturnTo
		}
	}
	t.Fatal("no flow cookie")
	return ""
}

// TestResetDoneSetsNoSession (K-3): the answer to the last step and the done
// page set no cookie: the reset signs nobody in. The user signs in at the
// sign-in page the back link leads to.
func TestResetDoneSetsNoSession(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, _ := slapdUser(t)
	c, body := resetWalk(t, fd, login, mail)
	pw := "No-Session-Lantern-" + time.Now().Format("150405.000") + "!"
	resp, err := noFollow(c).PostForm(fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Header.Values("Set-Cookie")) != 0 {
		t.Fatalf("last step: status %d, Set-Cookie %q; want 303 and no cookie", resp.StatusCode, resp.Header.Values("Set-Cookie"))
	}
	done, err := noFollow(c).Get(fd.URL + resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(done.Body)
	done.Body.Close()
	if done.StatusCode != http.StatusOK || !strings.Contains(string(b), "has been reset") || len(done.Header.Values("Set-Cookie")) != 0 {
		t.Errorf("done page: status %d, Set-Cookie %q; want the done page and no cookie", done.StatusCode, done.Header.Values("Set-Cookie"))
	}
}
