package register_test

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/register"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// setup mounts the page with everything offered and signs a browser in
// as alice (directory mail alice@example.test).
func setup(t *testing.T) (*flowtest.Env, *flowtest.RegisterEnv, *flowtest.Browser, idp.User) {
	t.Helper()
	e := flowtest.New(t)
	re := e.Register(register.Options{Email: true, Mobile: true, Office: true})
	alice := e.AddUser("alice", func(u *idp.User) { u.Mobile = "" })
	b := e.Browser()
	re.Sessions.SignIn(b, alice)
	return e, re, b, alice
}

func contact(t *testing.T, re *flowtest.RegisterEnv, u idp.User) methods.Contact {
	t.Helper()
	c, err := methods.ReadContact(context.Background(), re.Registrations, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// addEmail asks for addr to be added and returns the code page.
func addEmail(e *flowtest.Env, b *flowtest.Browser, addr string) flowtest.Page {
	return b.Submit(b.Get(flowtest.Prefix+"register"), "register/email", "email", addr)
}

func TestAddAlternateEmail(t *testing.T) {
	e, re, b, alice := setup(t)
	p := b.Get(flowtest.Prefix + "register")
	e.Expect(p, 200, "register.title", "register.directory.title", "register.none")
	if !strings.Contains(p.Body, methods.MaskEmail("alice@example.test")) || strings.Contains(p.Body, "alice@example.test") {
		t.Fatalf("the page must show the directory address masked, never in full:\n%s", p.Body)
	}

	p = addEmail(e, b, "alice@home.test")
	e.Expect(p, 200, "register.verify.title")
	if !strings.Contains(p.Body, "al***@home.test") || strings.Contains(p.Body, "alice@home.test") {
		t.Fatalf("the code page must name the new address masked:\n%s", p.Body)
	}
	code := e.LastCode("alice@home.test")
	if len(code) != 8 {
		t.Fatalf("code %q, want 8 digits", code)
	}
	p = b.Submit(p, "register/verify", "code", wrongCode(code))
	e.Expect(p, 422, "reset.error.code")
	if c := contact(t, re, alice); len(c.Emails) != 0 {
		t.Fatalf("a wrong code saved the address: %+v", c)
	}
	p = b.Submit(p, "register/verify", "code", code)
	e.Expect(p, 200, "register.saved.email", "register.email.title")
	if !strings.Contains(p.Body, "al***@home.test") {
		t.Errorf("the page does not list the new address, masked:\n%s", p.Body)
	}
	c := contact(t, re, alice)
	if !slices.Equal(c.Emails, []string{"alice@home.test"}) || !c.ConfirmedAt.Equal(e.Clock.Now().Truncate(1e9)) {
		t.Errorf("registered contact = %+v; want the address, confirmed now", c)
	}
	// The message shows once.
	e.ExpectNot(b.Get(flowtest.Prefix+"register"), "register.saved.email")

	ns := re.Notices()
	if len(ns) != 1 || !slices.Equal(ns[0].To, []string{"alice@example.test"}) ||
		ns[0].Change.What != "email" || ns[0].Change.Action != "added" || ns[0].Change.Masked != "al***@home.test" {
		t.Errorf("notices = %+v; want one to the directory address (not the new one) with the new address masked", ns)
	}
	if evs := e.Events(audit.RegistrationChanged); len(evs) != 1 || evs[0].User != alice.ID || evs[0].Detail["action"] != "added" {
		t.Errorf("audit events = %+v", evs)
	}
	for _, ev := range e.Events("") {
		for _, v := range ev.Detail {
			if strings.Contains(v, "home.test") || v == code {
				t.Errorf("the audit event %+v carries the address or the code", ev)
			}
		}
	}
}

func wrongCode(code string) string {
	if code[0] == '1' {
		return "2" + code[1:]
	}
	return "1" + code[1:]
}

func TestReplaceAndRemoveNotifyOldAddresses(t *testing.T) {
	e, re, b, alice := setup(t)
	p := addEmail(e, b, "alice@home.test")
	b.Submit(p, "register/verify", "code", e.LastCode("alice@home.test"))

	p = b.Get(flowtest.Prefix + "register")
	p = b.Submit(p, "register/email", "email", "alice@new.test", "replace", refs(t, p)[0])
	e.Expect(p, 200, "register.verify.title")
	e.Expect(b.Submit(p, "register/verify", "code", e.LastCode("alice@new.test")), 200, "register.saved.email")
	if c := contact(t, re, alice); !slices.Equal(c.Emails, []string{"alice@new.test"}) {
		t.Fatalf("after replace: %v", c.Emails)
	}
	ns := re.Notices()
	if n := ns[len(ns)-1]; n.Change.Action != "replaced" || !slices.Equal(n.To, []string{"alice@example.test", "alice@home.test"}) {
		t.Errorf("replace notice = %+v; want it sent to the directory and the replaced address", n)
	}

	p = b.Get(flowtest.Prefix + "register")
	ref := refs(t, p)[0]
	p = b.Submit(p, "register/remove", "item", "email:"+ref)
	e.Expect(p, 200, "register.saved.removed", "register.none")
	if c := contact(t, re, alice); len(c.Emails) != 0 {
		t.Fatalf("after remove: %v", c.Emails)
	}
	ns = re.Notices()
	if n := ns[len(ns)-1]; n.Change.Action != "removed" || n.Change.Masked != "al***@new.test" || !slices.Contains(n.To, "alice@new.test") {
		t.Errorf("remove notice = %+v; want it sent to the removed address too", n)
	}
	p = b.Get(flowtest.Prefix + "register")
	e.Expect(b.Post(flowtest.Prefix+"register/remove", url.Values{"csrf_token": {p.CSRF(t)}, "item": {"email:" + ref}}), 422, "register.error.gone")
}

func TestEmailRefused(t *testing.T) {
	e, re, b, alice := setup(t)
	for _, a := range []string{"a1@home.test", "a2@home.test", "a3@home.test"} {
		if err := re.Registrations.Update(context.Background(), alice.ID, methods.SectionContact, &methods.Contact{}, func(bool) error { return nil }); err != nil {
			t.Fatal(err)
		}
		p := addEmail(e, b, a)
		b.Submit(p, "register/verify", "code", e.LastCode(a))
	}
	tests := []struct{ addr, msg string }{
		{"", "register.error.email"},
		{"not an address", "register.error.email"},
		{"Mallory <m@evil.test>", "register.error.email"},
		{"ALICE@example.test", "register.error.email_known"},
		{"a2@HOME.test", "register.error.email_known"},
		{"a4@home.test", "register.error.email_full"},
	}
	for _, tt := range tests {
		e.Expect(addEmail(e, b, tt.addr), 422, tt.msg)
	}
	if n := len(e.Mail()); n != 3 {
		t.Errorf("%d codes were mailed; refused addresses must get none", n)
	}
}

func TestMobileByText(t *testing.T) {
	e, re, b, alice := setup(t)
	start := b.Get(flowtest.Prefix + "register")
	e.Expect(b.Submit(start, "register/mobile", "mobile", "0612"), 422, "register.error.phone")
	p := b.Submit(b.Get(flowtest.Prefix+"register"), "register/mobile", "mobile", "+44 7700 900123")
	e.Expect(p, 200, "register.verify.title", "register.verify.code_hint_text")
	texts := re.Texts()
	if len(texts) != 1 || texts[0].To != "+447700900123" {
		t.Fatalf("texts = %+v; want one to +447700900123", texts)
	}
	code := texts[0].Body[:6]
	e.Expect(b.Submit(p, "register/verify", "code", code), 200, "register.saved.mobile")
	if c := contact(t, re, alice); c.Mobile != "+447700900123" {
		t.Errorf("mobile = %q", c.Mobile)
	}
	p = b.Get(flowtest.Prefix + "register")
	if !strings.Contains(p.Body, "&#43;**********23") || strings.Contains(p.Body, "7700900123") {
		t.Errorf("the page must show the number masked:\n%s", p.Body)
	}

	re.TextErr = errors.New("gateway down")
	e.Expect(b.Submit(p, "register/mobile", "mobile", "+447700900999"), 502, "register.error.text_failed")
}

func TestOfficePhoneIsStoredUnverified(t *testing.T) {
	e, re, b, alice := setup(t)
	p := b.Get(flowtest.Prefix + "register")
	e.Expect(p, 200, "register.office.unverified")
	e.Expect(b.Submit(p, "register/office", "office", "+33 1 23 45 67 89"), 200, "register.saved.office")
	if c := contact(t, re, alice); c.Office != "+33123456789" {
		t.Errorf("office = %q", c.Office)
	}
	if ns := re.Notices(); len(ns) != 1 || ns[0].Change.What != "office" || ns[0].Change.Masked != "+*********89" {
		t.Errorf("notices = %+v", ns)
	}
}

func TestNeedsRecentSignIn(t *testing.T) {
	e, re, b, _ := setup(t)
	if p := e.Browser().Get(flowtest.Prefix + "register"); p.Status != 401 {
		t.Errorf("GET register without a sign-in: status %d, want the sign-in package's answer (401 in the double)", p.Status)
	}
	p := b.Get(flowtest.Prefix + "register")
	re.Sessions.Stale(b)
	if p := b.Submit(p, "register/email", "email", "alice@home.test"); p.Status != 401 {
		t.Errorf("POST after the sign-in went stale: status %d, want 401", p.Status)
	}
	if n := len(e.Mail()); n != 0 {
		t.Errorf("%d codes sent without a recent sign-in", n)
	}
}

func TestCSRF(t *testing.T) {
	e, re, b, alice := setup(t)
	p := b.Get(flowtest.Prefix + "register")
	if got := b.Post(flowtest.Prefix+"register/office", url.Values{"office": {"+33123456789"}}); got.Status != 403 {
		t.Errorf("POST without a token: status %d, want 403", got.Status)
	}
	e.Expect(b.Submit(p, "register/office", "office", "+33123456789"), 200, "register.saved.office")
	// The token of the page before the change is spent.
	if got := b.Post(flowtest.Prefix+"register/remove", url.Values{"csrf_token": {p.CSRF(t)}, "item": {"office"}}); got.Status != 403 {
		t.Errorf("POST with the token of an earlier step: status %d, want 403", got.Status)
	}
	if c := contact(t, re, alice); c.Office == "" {
		t.Error("a refused POST removed the office phone")
	}
}

func TestFlowBoundToSignedInUser(t *testing.T) {
	e, re, b, alice := setup(t)
	p := addEmail(e, b, "alice@home.test")
	code := e.LastCode("alice@home.test")
	bob := e.AddUser("bob")
	re.Sessions.SignIn(b, bob)
	// Bob, in the same browser, gets a page of his own, not alice's code step.
	e.Expect(b.Get(flowtest.Prefix+"register"), 200, "register.title")
	b.Submit(p, "register/verify", "code", code)
	if c := contact(t, re, alice); len(c.Emails) != 0 {
		t.Errorf("alice's pending address was saved in bob's session: %+v", c)
	}
	if c := contact(t, re, bob); len(c.Emails) != 0 {
		t.Errorf("alice's pending address went to bob: %+v", c)
	}
}

func TestPendingValueSealed(t *testing.T) {
	e, _, b, _ := setup(t)
	addEmail(e, b, "alice@home.test")
	f, err := e.Store.Flows().Get(context.Background(), flows.StoreKey(b.Cookie(flows.CookieName(store.KindRegister))))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(f.Data), "alice@home.test") {
		t.Errorf("the flow keeps the address in clear: %s", f.Data)
	}
}

func TestConfirm(t *testing.T) {
	e, re, b, alice := setup(t)
	p := b.Get(flowtest.Prefix + "register")
	e.Expect(p, 200, "register.confirm.never")
	p = b.Submit(p, "register/confirm")
	e.Expect(p, 200, "register.saved.confirmed")
	if c := contact(t, re, alice); !c.ConfirmedAt.Equal(e.Clock.Now().Truncate(1e9)) {
		t.Errorf("confirmed_at = %v", c.ConfirmedAt)
	}
	if strings.Contains(p.Body, "<script") {
		t.Error("the page has a script")
	}
}

func TestReplaceOfAnAddressRemovedMeanwhile(t *testing.T) {
	e, re, b, alice := setup(t)
	p := addEmail(e, b, "alice@home.test")
	b.Submit(p, "register/verify", "code", e.LastCode("alice@home.test"))
	p = b.Get(flowtest.Prefix + "register")
	p = b.Submit(p, "register/email", "email", "alice@new.test", "replace", refs(t, p)[0])
	// Another tab removes the address being replaced, and adds another.
	other := methods.Contact{Emails: []string{"alice@other.test"}}
	if err := re.Registrations.SetSection(context.Background(), alice.ID, methods.SectionContact, other); err != nil {
		t.Fatal(err)
	}
	e.Expect(b.Submit(p, "register/verify", "code", e.LastCode("alice@new.test")), 200, "register.error.gone")
	if c := contact(t, re, alice); !slices.Equal(c.Emails, other.Emails) {
		t.Errorf("emails = %v; the replacement must not land on another address", c.Emails)
	}
}

var refRE = regexp.MustCompile(`name="replace" value="([0-9a-f]{16})"`)

// refs returns the references of the alternate emails listed on p.
func refs(t *testing.T, p flowtest.Page) []string {
	t.Helper()
	var out []string
	for _, m := range refRE.FindAllStringSubmatch(p.Body, -1) {
		out = append(out, m[1])
	}
	if len(out) == 0 {
		t.Fatalf("no alternate email listed:\n%s", p.Body)
	}
	return out
}

// TestParallelPostsTakeOneStep: the same form posted several times at once
// (a double click) acts once: one change, one notice.
func TestParallelPostsTakeOneStep(t *testing.T) {
	e, re, b, _ := setup(t)
	p := b.Get(flowtest.Prefix + "register")
	form := url.Values{"csrf_token": {p.CSRF(t)}, "office": {"+33123456789"}}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { b.Post(flowtest.Prefix+"register/office", form) })
	}
	wg.Wait()
	if n := len(re.Notices()); n != 1 {
		t.Errorf("%d notices for one change", n)
	}
	if evs := e.Events(audit.RegistrationChanged); len(evs) != 1 {
		t.Errorf("%d audit events for one change", len(evs))
	}
}

// TestContinueToTheApplication: sent here by the sign-in's "more
// information required" page, the user finds the way on to the
// application; a return-to off the origin is ignored.
func TestContinueToTheApplication(t *testing.T) {
	e, re, b, alice := setup(t)
	p := b.Get(flowtest.Prefix + "register?return_to=" + url.QueryEscape("/app/home?tab=1"))
	e.Expect(p, 200, "register.continue")
	if !strings.Contains(p.Body, `href="`+flowtest.PublicURL+`/app/home?tab=1"`) {
		t.Errorf("no link on to the application:\n%s", p.Body)
	}
	// The link stays after a change.
	p = b.Submit(p, "register/confirm")
	e.Expect(p, 200, "register.saved.confirmed", "register.continue")

	for _, evil := range []string{"https://evil.test/", "//evil.test/", "/.frontdoor/register"} {
		other := e.Browser()
		re.Sessions.SignIn(other, alice)
		e.ExpectNot(other.Get(flowtest.Prefix+"register?return_to="+url.QueryEscape(evil)), "register.continue")
	}
}

// TestContinueThroughTheRequiredPage: after a sign-in at the upstream, the
// "more information required" page holds the application's address and
// sends the user here with return_to naming itself, frontdoor's own page:
// that exact page is kept, no other of frontdoor's.
func TestContinueThroughTheRequiredPage(t *testing.T) {
	e := flowtest.New(t)
	re := e.Register(register.Options{Email: true, Required: flowtest.Prefix + "required"})
	alice := e.AddUser("alice")
	b := e.Browser()
	re.Sessions.SignIn(b, alice)
	p := b.Get(flowtest.Prefix + "register?return_to=" + url.QueryEscape(flowtest.Prefix+"required"))
	e.Expect(p, 200, "register.continue")
	if !strings.Contains(p.Body, `href="`+flowtest.PublicURL+flowtest.Prefix+`required"`) {
		t.Errorf("no link back to the required page:\n%s", p.Body)
	}
	for _, other := range []string{flowtest.Prefix + "required?continue=https://evil.test/", flowtest.Prefix + "required/", flowtest.Prefix + "change"} {
		ob := e.Browser()
		re.Sessions.SignIn(ob, alice)
		e.ExpectNot(ob.Get(flowtest.Prefix+"register?return_to="+url.QueryEscape(other)), "register.continue")
	}
}
