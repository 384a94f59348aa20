package appnotify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/flows/methods/methodstest"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

var alice = idp.User{ID: "7f3c2a9e-alice", Login: "alice"}

const answers = "https://sso.example.test/.frontdoor/app_notification/answer/"

type fixture struct {
	m   *AppNotify
	st  store.Store
	clk *methodstest.Clock
	mux *http.ServeMux
}

func setup(t *testing.T, p Provider, name string) fixture {
	t.Helper()
	clk := methodstest.NewClock()
	st := methodstest.Store(t, clk)
	m := &AppNotify{Registrations: methodstest.NewRegistrations(), Codes: st.Codes(), Limits: st.Limits(),
		Secret: []byte("0123456789abcdef0123456789abcdef"), Now: clk.Now, Provider: p, ProviderName: name, Answers: answers,
		Message: func(lang, id string, args ...any) string { return id }}
	mux := http.NewServeMux()
	m.Mount(mux, "/.frontdoor/")
	return fixture{m: m, st: st, clk: clk, mux: mux}
}

func (f fixture) start(t *testing.T, u *idp.User) methods.Target {
	t.Helper()
	tg := methods.Target{FlowID: methodstest.Flow(t, f.st, f.clk), Purpose: "gate1", Lang: "en", User: u, Key: "id:" + alice.ID}
	if err := f.m.Start(context.Background(), tg); err != nil {
		t.Fatal(err)
	}
	return tg
}

func (f fixture) number(t *testing.T, tg methods.Target) int {
	t.Helper()
	c, err := f.m.Challenge(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	return c.(Challenge).Number
}

// press calls an action's URL as the phone would, and returns the status.
func (f fixture) press(rawURL string) int {
	u, _ := url.Parse(rawURL)
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, u.Path, nil))
	return rec.Code
}

func verify(f fixture, tg methods.Target) error {
	return f.m.Verify(context.Background(), tg, url.Values{})
}

func TestDuoSignedRequests(t *testing.T) {
	ctx := context.Background()
	for _, sha1 := range []bool{false, true} {
		duo := newDuoFake(t, sha1)
		p := duo.provider()
		if err := p.Ready(ctx, "alice"); err != nil {
			t.Fatalf("sha1=%v: preauth of alice: %v", sha1, err)
		}
		for _, who := range []string{"nopush", "mallory"} {
			if err := p.Ready(ctx, who); !errors.Is(err, ErrNotReady) {
				t.Fatalf("preauth of %s: %v, want ErrNotReady", who, err)
			}
		}
		bad := duo.provider()
		bad.SecretKey += "x"
		if err := bad.Ready(ctx, "alice"); err == nil || !strings.Contains(err.Error(), "40103") {
			t.Fatalf("a request signed with another key: %v", err)
		}
		other := duo.provider()
		other.SHA1 = !sha1
		if err := other.Ready(ctx, "alice"); err == nil {
			t.Fatal("a request signed with the other HMAC passed")
		}
	}
	// Spaces are %20 and "~" stays, as Duo canonicalises.
	if got := CanonParams(url.Values{"b": {"x y~"}, "a": {"1+1=2"}}); got != "a=1%2B1%3D2&b=x%20y~" {
		t.Fatalf("CanonParams = %q", got)
	}
}

func TestDuoApproval(t *testing.T) {
	duo := newDuoFake(t, false)
	f := setup(t, duo.provider(), "duo")
	ctx := context.Background()
	if _, _, err := f.m.Enroll(ctx, idp.User{ID: "m", Login: "mallory"}); !errors.Is(err, ErrNotReady) {
		t.Fatalf("Enroll of a user Duo does not know: %v", err)
	}
	_, ch, err := f.m.Enroll(ctx, alice)
	if err != nil || ch.Action != methods.ChangeRegistered {
		t.Fatalf("Enroll: %+v %v", ch, err)
	}
	if _, ok := f.m.Hint(ctx, alice); !ok {
		t.Fatal("not usable after Enroll")
	}
	tg := f.start(t, &alice)
	push := duo.lastPush()
	info, _ := url.ParseQuery(push.Get("pushinfo"))
	if n := f.number(t, tg); n < 10 || n > 99 || info.Get("number") != strconv.Itoa(n) || push.Get("type") != "appnotify.title" {
		t.Fatalf("page number %d, push %v", n, push)
	}
	if err := verify(f, tg); !errors.Is(err, methods.ErrPending) {
		t.Fatalf("before an answer: %v, want ErrPending", err)
	}
	duo.setResult("45f7c92b-f45f-4862-8545-000000000001", "allow")
	if err := verify(f, tg); err != nil {
		t.Fatalf("after approval: %v", err)
	}
	if err := verify(f, tg); !errors.Is(err, methods.ErrExhausted) {
		t.Fatalf("a used approval again: %v", err)
	}
}

func TestDuoDenialAndExpiry(t *testing.T) {
	duo := newDuoFake(t, false)
	f := setup(t, duo.provider(), "duo")
	if _, _, err := f.m.Enroll(context.Background(), alice); err != nil {
		t.Fatal(err)
	}
	tg := f.start(t, &alice)
	duo.setResult("45f7c92b-f45f-4862-8545-000000000001", "deny")
	if err := verify(f, tg); !errors.Is(err, methods.ErrExhausted) {
		t.Fatalf("after a denial: %v, want ErrExhausted", err)
	}
	duo.setResult("45f7c92b-f45f-4862-8545-000000000001", "allow")
	if err := verify(f, tg); !errors.Is(err, methods.ErrExhausted) {
		t.Fatalf("an approval after the denial: %v, want ErrExhausted", err)
	}
	tg = f.start(t, &alice)
	f.clk.Add(Timeout + time.Second)
	duo.setResult("45f7c92b-f45f-4862-8545-000000000002", "allow")
	if err := verify(f, tg); !errors.Is(err, methods.ErrExpired) {
		t.Fatalf("an approval after 61 s: %v, want ErrExpired", err)
	}
}

// ntfySetup enrolls alice with an ntfy fake and starts a challenge.
func ntfySetup(t *testing.T) (fixture, *ntfyFake, methods.Target, ntfyMessage) {
	t.Helper()
	srv := newNtfyFake(t, "tk_secret")
	f := setup(t, &Ntfy{URL: srv.srv.URL, Token: "tk_secret", Client: srv.srv.Client()}, "ntfy")
	s, _, err := f.m.Enroll(context.Background(), alice)
	if err != nil || !strings.HasPrefix(s.Topic, "fd-") || len(s.Topic) < 20 || s.SubscribeURL != srv.srv.URL+"/"+s.Topic {
		t.Fatalf("Enroll: %+v %v", s, err)
	}
	tg := f.start(t, &alice)
	msg := srv.last(t)
	if msg.Topic != s.Topic || len(msg.Actions) != 3 || msg.Actions[2].Label != "appnotify.deny" {
		t.Fatalf("published %+v", msg)
	}
	for _, a := range msg.Actions {
		if a.Action != "http" || a.Method != http.MethodPost || !strings.HasPrefix(a.URL, answers) || strings.Contains(a.URL, tg.FlowID) {
			t.Fatalf("action %+v", a)
		}
	}
	return f, srv, tg, msg
}

// pick returns the action whose label is (or is not) the page's number.
func pick(t *testing.T, msg ntfyMessage, n int, right bool) ntfyAction {
	t.Helper()
	for _, a := range msg.Actions[:2] {
		if (a.Label == strconv.Itoa(n)) == right {
			return a
		}
	}
	t.Fatalf("no action for %d (right %v) in %+v", n, right, msg.Actions)
	return ntfyAction{}
}

func TestNtfyRightNumber(t *testing.T) {
	f, _, tg, msg := ntfySetup(t)
	if err := verify(f, tg); !errors.Is(err, methods.ErrPending) {
		t.Fatalf("before an answer: %v", err)
	}
	right := pick(t, msg, f.number(t, tg), true)
	if code := f.press(right.URL); code != 200 {
		t.Fatalf("the right number: %d", code)
	}
	if code := f.press(right.URL); code != http.StatusConflict {
		t.Fatalf("the same answer again: %d, want 409", code)
	}
	if err := verify(f, tg); err != nil {
		t.Fatalf("after the right number: %v", err)
	}
}

func TestNtfyWrongNumberOrDenyEndsTheGate(t *testing.T) {
	for _, which := range []string{"wrong", "deny"} {
		t.Run(which, func(t *testing.T) {
			f, _, tg, msg := ntfySetup(t)
			a := msg.Actions[2]
			if which == "wrong" {
				a = pick(t, msg, f.number(t, tg), false)
			}
			if code := f.press(a.URL); code != 200 {
				t.Fatalf("pressing %s: %d", a.Label, code)
			}
			if code := f.press(pick(t, msg, f.number(t, tg), true).URL); code != http.StatusConflict {
				t.Fatalf("the right number after a %s answer: %d, want 409", which, code)
			}
			if err := verify(f, tg); !errors.Is(err, methods.ErrExhausted) {
				t.Fatalf("after a %s answer: %v, want ErrExhausted", which, err)
			}
		})
	}
}

// A callback URL altered anywhere, or used after its minute, is refused
// and changes nothing.
func TestNtfyTamperedCallback(t *testing.T) {
	f, _, tg, msg := ntfySetup(t)
	right := pick(t, msg, f.number(t, tg), true).URL
	tok := strings.TrimPrefix(right, answers)
	payload, sig, _ := strings.Cut(tok, ".")
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	wrong := pick(t, msg, f.number(t, tg), false).URL
	wrongPayload, _, _ := strings.Cut(strings.TrimPrefix(wrong, answers), ".")
	for name, bad := range map[string]string{
		"payload":             flip(payload, 3) + "." + sig,
		"signature":           payload + "." + flip(sig, 5),
		"other payload":       wrongPayload + "." + sig,
		"no signature":        payload,
		"signature truncated": payload + "." + sig[:len(sig)-2],
	} {
		if code := f.press(answers + bad); code != http.StatusForbidden {
			t.Errorf("%s altered: %d, want 403", name, code)
		}
	}
	if err := verify(f, tg); !errors.Is(err, methods.ErrPending) {
		t.Fatalf("after altered callbacks: %v, want ErrPending", err)
	}
	f.clk.Add(Timeout)
	if code := f.press(right); code != http.StatusForbidden {
		t.Fatalf("the right number after its minute: %d, want 403", code)
	}
	if err := verify(f, tg); !errors.Is(err, methods.ErrExpired) {
		t.Fatalf("after the minute: %v, want ErrExpired", err)
	}
}

// A new push voids the answers to the earlier one: they are bound to the
// challenge, not just the flow.
func TestNtfyResendVoidsEarlierAnswers(t *testing.T) {
	f, srv, tg, first := ntfySetup(t)
	oldRight := pick(t, first, f.number(t, tg), true).URL
	if err := f.m.Start(context.Background(), tg); err != nil {
		t.Fatal(err)
	}
	if srv.count() != 2 {
		t.Fatalf("%d pushes", srv.count())
	}
	if code := f.press(oldRight); code != 200 {
		t.Fatalf("the earlier push's answer: %d", code)
	}
	if err := verify(f, tg); !errors.Is(err, methods.ErrPending) {
		t.Fatalf("after answering the earlier push: %v, want ErrPending", err)
	}
	if code := f.press(pick(t, srv.last(t), f.number(t, tg), true).URL); code != 200 {
		t.Fatal("the new push's answer was refused")
	}
	if err := verify(f, tg); err != nil {
		t.Fatalf("after answering the new push: %v", err)
	}
}

// An unknown user ID gets a page with a number, nothing is sent, and the
// challenge waits until it expires, as an unanswered one does.
func TestNoAccountSendsNothing(t *testing.T) {
	f, srv, _, _ := ntfySetup(t)
	tg := f.start(t, nil)
	if srv.count() != 1 {
		t.Fatal("a push was sent for an unknown user ID")
	}
	if n := f.number(t, tg); n < 10 || n > 99 {
		t.Fatalf("number %d", n)
	}
	if err := verify(f, tg); !errors.Is(err, methods.ErrPending) {
		t.Fatalf("unknown ID: %v", err)
	}
	f.clk.Add(Timeout + time.Second)
	if err := verify(f, tg); !errors.Is(err, methods.ErrExpired) {
		t.Fatalf("unknown ID after the minute: %v", err)
	}
}

func TestNtfyTokenRequired(t *testing.T) {
	srv := newNtfyFake(t, "tk_secret")
	p := &Ntfy{URL: srv.srv.URL, Token: "tk_other", Client: srv.srv.Client()}
	if _, err := p.Send(context.Background(), Push{Ref: "fd-x", Choices: []Choice{{Label: "1", URL: "u"}}}); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("publishing with a wrong token: %v", err)
	}
}

// A provider that fails leaves the page as it is for an account that gets
// no push: the challenge waits, then expires.
func TestProviderDownTellsNothing(t *testing.T) {
	srv := newNtfyFake(t, "tk_secret")
	f := setup(t, &Ntfy{URL: srv.srv.URL, Token: "tk_secret", Client: srv.srv.Client()}, "ntfy")
	if _, _, err := f.m.Enroll(context.Background(), alice); err != nil {
		t.Fatal(err)
	}
	srv.srv.Close()
	tg := f.start(t, &alice)
	if err := verify(f, tg); !errors.Is(err, methods.ErrPending) {
		t.Fatalf("with the provider down: %v, want ErrPending", err)
	}
	f.clk.Add(Timeout + time.Second)
	if err := verify(f, tg); !errors.Is(err, methods.ErrExpired) {
		t.Fatalf("after the minute: %v, want ErrExpired", err)
	}
}
