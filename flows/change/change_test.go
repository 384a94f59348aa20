package change_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

const newPW = "Brand-New-Pass-93!"

func TestSignedInChange(t *testing.T) {
	e := flowtest.New(t)
	m := e.Change(false, 5*time.Minute)
	u := e.AddUser("alice")

	// Without a session, the page sends the browser to sign in.
	b := e.Browser()
	b.NoRedirects()
	if p := b.Get("/.frontdoor/change"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/.frontdoor/signin?") {
		t.Fatalf("no session: %d to %q", p.Status, p.Header.Get("Location"))
	}
	// A sign-in older than max_age signs in again with max_age.
	b.SignIn(m, u, e.Clock.Now().Add(-10*time.Minute))
	if p := b.Get("/.frontdoor/change"); p.Status != http.StatusSeeOther || !strings.Contains(p.Header.Get("Location"), "max_age=300") {
		t.Fatalf("old sign-in: %d to %q", p.Status, p.Header.Get("Location"))
	}

	b = e.Browser()
	b.SignIn(m, u, e.Clock.Now())
	p := b.Get("/.frontdoor/change")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "You are signed in as alice") || !p.HasForm("signout") {
		t.Fatalf("change page: %d\n%s", p.Status, p.Body)
	}
	cases := []struct {
		name, old, pw, confirm, want string
		status                       int
	}{
		{"confirmation", flowtest.OldPassword, newPW, newPW + "x", "The two passwords do not match.", 422},
		{"policy", flowtest.OldPassword, "alice2026", "alice2026", "This password cannot be used", 422},
		{"wrong old", "Wrong-Password-1!", newPW, newPW, "Your current password is not correct.", 422},
		{"no old", "", newPW, newPW, "Your current password is not correct.", 422},
	}
	for _, tc := range cases {
		p = b.Submit(p, "change", "old", tc.old, "password", tc.pw, "confirm", tc.confirm)
		if p.Status != tc.status || !strings.Contains(p.Body, tc.want) {
			t.Errorf("%s: %d\n%s", tc.name, p.Status, p.Body)
		}
	}
	if _, pw, _ := e.Dir.User(u.ID); pw != flowtest.OldPassword {
		t.Fatal("a refused change wrote the password")
	}
	p = b.Submit(p, "change", "old", flowtest.OldPassword, "password", newPW, "confirm", newPW)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "Your password has been changed") {
		t.Fatalf("change: %d\n%s", p.Status, p.Body)
	}
	if _, pw, _ := e.Dir.User(u.ID); pw != newPW {
		t.Errorf("directory password = %q", pw)
	}
	if c := e.Confirmed(); len(c) != 1 || c[0].ID != u.ID {
		t.Errorf("confirmations: %v", c)
	}
	// A form from another browser (no token of this session) is refused.
	other := e.Browser()
	other.SignIn(m, u, e.Clock.Now())
	token := b.Get("/.frontdoor/change").CSRF(t)
	if p := other.Post("/.frontdoor/change", map[string][]string{"csrf_token": {token}, "old": {newPW}}); p.Status != http.StatusForbidden {
		t.Errorf("foreign CSRF token: %d", p.Status)
	}
}

// TestSignedInChangeAnswerLost: the directory carries out the change but its
// answer is lost. The account read back shows the new password, so the user
// is told it was changed, not to try again with a current password that no
// longer works. When the line is simply down, nothing changed and the page
// says so.
func TestSignedInChangeAnswerLost(t *testing.T) {
	e := flowtest.New(t)
	m := e.Change(false, 5*time.Minute)
	u := e.AddUser("alice")
	b := e.Browser()
	b.SignIn(m, u, e.Clock.Now())
	p := b.Get("/.frontdoor/change")

	e.Dir.FailWrites(idp.ErrUnavailable)
	p = b.Submit(p, "change", "old", flowtest.OldPassword, "password", newPW, "confirm", newPW)
	if p.Status != http.StatusServiceUnavailable {
		t.Fatalf("directory down: %d, want 503", p.Status)
	}
	e.Dir.FailWrites(nil)

	e.Dir.LoseAnswers(true)
	p = b.Submit(p, "change", "old", flowtest.OldPassword, "password", newPW, "confirm", newPW)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "Your password has been changed") {
		t.Fatalf("change carried out, answer lost: %d\n%s", p.Status, p.Body)
	}
	if _, pw, _ := e.Dir.User(u.ID); pw != newPW {
		t.Errorf("directory password = %q", pw)
	}
	if c := e.Confirmed(); len(c) != 1 || c[0].ID != u.ID {
		t.Errorf("confirmations: %v, want the one for the change", c)
	}
}

// Wrong current passwords are limited per account: the sixth try within the
// hour is refused without asking the directory.
func TestWrongOldPasswordsLimited(t *testing.T) {
	e := flowtest.New(t)
	m := e.Change(false, 5*time.Minute)
	u := e.AddUser("bob")
	b := e.Browser()
	b.SignIn(m, u, e.Clock.Now())
	p := b.Get("/.frontdoor/change")
	for range 5 {
		p = b.Submit(p, "change", "old", "Wrong-Password-1!", "password", newPW, "confirm", newPW)
	}
	calls := e.Dir.Calls().ChangePassword
	p = b.Submit(p, "change", "old", flowtest.OldPassword, "password", newPW, "confirm", newPW)
	if p.Status != http.StatusTooManyRequests || !strings.Contains(p.Body, "blocked for this account for an hour") {
		t.Errorf("sixth try: %d\n%s", p.Status, p.Body)
	}
	if e.Dir.Calls().ChangePassword != calls {
		t.Error("the blocked try reached the directory")
	}
	e.Clock.Advance(61 * time.Minute)
	b.SignIn(m, u, e.Clock.Now())
	p = b.Get("/.frontdoor/change")
	if p = b.Submit(p, "change", "old", flowtest.OldPassword, "password", newPW, "confirm", newPW); p.Status != http.StatusOK {
		t.Errorf("an hour later: %d", p.Status)
	}
}

func TestExpiredChange(t *testing.T) {
	e := flowtest.New(t)
	e.Change(true, 5*time.Minute)
	must := e.AddUser("carol", func(u *idp.User) { u.MustChange = true })
	e.AddUser("dave")
	e.AddUser("erin", func(u *idp.User) { u.MustChange = true; u.Disabled = true })
	b := e.Browser()
	generic := "We couldn&#39;t change the password with these details."
	for _, login := range []string{"dave", "nobody", "erin"} {
		p := b.Get("/.frontdoor/change/expired")
		p = b.Submit(p, "change/expired", "login", login, "old", flowtest.OldPassword, "password", newPW, "confirm", newPW)
		if p.Status != 422 || !strings.Contains(p.Body, generic) {
			t.Errorf("%s: %d\n%s", login, p.Status, p.Body)
		}
	}
	p := b.Get("/.frontdoor/change/expired")
	p = b.Submit(p, "change/expired", "login", "carol", "old", "Wrong-1234-Pass!", "password", newPW, "confirm", newPW)
	if p.Status != 422 || !strings.Contains(p.Body, generic) {
		t.Errorf("wrong old: %d", p.Status)
	}
	if e.Dir.Calls().ChangePassword != 1 {
		t.Errorf("directory changes tried: %d, want 1 (carol's wrong one)", e.Dir.Calls().ChangePassword)
	}
	p = b.Submit(p, "change/expired", "login", "carol", "old", flowtest.OldPassword, "password", newPW, "confirm", newPW)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "Your password has been changed") {
		t.Fatalf("expired change: %d\n%s", p.Status, p.Body)
	}
	if _, pw, _ := e.Dir.User(must.ID); pw != newPW {
		t.Errorf("password = %q", pw)
	}
	e.Dir.FailLookups(idp.ErrUnavailable)
	p = b.Get("/.frontdoor/change/expired")
	if p = b.Submit(p, "change/expired", "login", "carol", "old", newPW, "password", newPW+"2", "confirm", newPW+"2"); p.Status != http.StatusServiceUnavailable {
		t.Errorf("directory down: %d", p.Status)
	}
}

// TestExpiredPageSameForEveryID: without the current password, the expired
// page answers an account that must change its password exactly as it
// answers an unknown user ID, whatever is wrong with the new password, so
// that it cannot list the accounts awaiting a change.
func TestExpiredPageSameForEveryID(t *testing.T) {
	e := flowtest.New(t)
	e.Change(true, 5*time.Minute)
	e.AddUser("carol", func(u *idp.User) { u.MustChange = true; u.Surname = "Quennell" })
	b := e.Browser()
	for _, form := range [][]string{
		{"old", "anything", "password", newPW, "confirm", newPW + "x"}, // confirm differs
		{"old", "", "password", newPW, "confirm", newPW},               // no current password
		{"old", "anything", "password", "password", "confirm", "password"},
		{"old", "anything", "password", "Quennell-Harbour-2026!", "confirm", "Quennell-Harbour-2026!"}, // her surname
	} {
		var bodies [2]string
		var codes [2]int
		for i, login := range []string{"carol", "nobody"} {
			p := b.Get("/.frontdoor/change/expired")
			p = b.Submit(p, "change/expired", append([]string{"login", login}, form...)...)
			codes[i] = p.Status
			bodies[i] = strings.ReplaceAll(p.Body, `value="`+login+`"`, "")
			bodies[i] = regexp.MustCompile(`name="csrf_token" value="[^"]+"`).ReplaceAllString(bodies[i], "")
		}
		if codes[0] != codes[1] || bodies[0] != bodies[1] {
			t.Errorf("form %v: carol %d and an unknown ID %d get different pages", form[4:], codes[0], codes[1])
		}
	}
	// The surname is refused by the policy with the account's context,
	// before the directory is asked.
	if n := e.Dir.Calls().ChangePassword; n != 0 {
		t.Errorf("directory changes tried: %d, want 0", n)
	}
}
