package reset_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

const newPassword = "Blue-Kettle-Morning-47!"

// atPassword walks alice through the gates of a reset and returns the
// password page.
func atPassword(t *testing.T, rc config.Reset) (*flowtest.Env, *flowtest.Browser, flowtest.Page, idp.User) {
	t.Helper()
	env := flowtest.New(t)
	u := env.AddUser("alice")
	env.Reset(rc)
	b := env.Browser()
	p := env.PassGates(b, "reset", "alice", u.Email())
	env.Expect(p, 200, "reset.password.new")
	return env, b, p, u
}

func setPassword(b *flowtest.Browser, p flowtest.Page, pw, confirm string) flowtest.Page {
	return b.Submit(p, "reset/password", "password", pw, "confirm", confirm)
}

func password(t *testing.T, env *flowtest.Env, id string) string {
	t.Helper()
	_, pw, ok := env.Dir.User(id)
	if !ok {
		t.Fatalf("no user %s", id)
	}
	return pw
}

func TestResetWalk(t *testing.T) {
	env := flowtest.New(t)
	u := env.AddUser("alice", func(u *idp.User) { u.Locked = true })
	env.Reset(config.Reset{UnlockOnReset: true})
	b := env.Browser()
	p := b.Get("/.frontdoor/reset?return_to=" + url.QueryEscape("/simplesaml/login?a=1"))
	env.Expect(p, 200, "reset.identify.title")
	p = b.Submit(p, "reset/identify", "login", "  ALICE ")
	env.Expect(p, 200, "reset.method.email")
	p = env.ChooseEmail(b, "reset", p)
	env.Expect(p, 200, "reset.verify.sent")
	p = b.Submit(p, "reset/verify", "code", env.LastCode(u.Email()))
	env.Expect(p, 200, "reset.password.new")
	passwordPage := p
	p = setPassword(b, p, newPassword, newPassword)
	env.Expect(p, 200, "reset.done.message")
	if !strings.Contains(p.Body, `href="http://frontdoor.test/simplesaml/login?a=1"`) {
		t.Fatalf("the done page does not lead back to the sign-in page:\n%s", p.Body)
	}

	got, pw, _ := env.Dir.User(u.ID)
	if pw != newPassword || got.Locked {
		t.Fatalf("directory after the reset: password %q, locked %v", pw, got.Locked)
	}
	if c := env.Confirmed(); len(c) != 1 || c[0].ID != u.ID {
		t.Fatalf("confirmations %+v", c)
	}
	evs := env.Events(audit.PasswordReset)
	if len(evs) != 1 || evs[0].User != "id:"+u.ID || evs[0].Detail["methods"] != "email" {
		t.Fatalf("audit %+v", evs)
	}
	// Done is done: the form cannot be sent again.
	if p := setPassword(b, passwordPage, "Another-Kettle-48!", "Another-Kettle-48!"); p.Status != 403 {
		t.Fatalf("a second password on a finished flow: status %d", p.Status)
	}
	if p := b.Get("/.frontdoor/reset/step"); p.Status != 200 || !strings.Contains(p.Body, env.Text("reset.done.message")) {
		t.Fatalf("the step page after the reset: %d\n%s", p.Status, p.Body)
	}
	if pw := password(t, env, u.ID); pw != newPassword {
		t.Fatalf("password %q after a replay", pw)
	}
}

func TestResetKeepsLockoutUnlessConfigured(t *testing.T) {
	env := flowtest.New(t)
	u := env.AddUser("alice", func(u *idp.User) { u.Locked = true })
	env.Reset(config.Reset{})
	b := env.Browser()
	p := env.PassGates(b, "reset", "alice", u.Email())
	env.Expect(setPassword(b, p, newPassword, newPassword), 200, "reset.done.message")
	if got, _, _ := env.Dir.User(u.ID); !got.Locked {
		t.Fatal("the reset cleared a lockout without unlock_on_reset")
	}
}

func TestResetRefusals(t *testing.T) {
	tests := []struct {
		name, pw, confirm, msg string
	}{
		{"confirmation differs", newPassword, newPassword + "x", "reset.error.confirm"},
		{"policy", "short", "short", "reset.password.refused"},
		{"context words", "Alice-alice-alice-1!", "Alice-alice-alice-1!", "reset.password.refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, b, p, u := atPassword(t, config.Reset{})
			p = setPassword(b, p, tt.pw, tt.confirm)
			env.Expect(p, 422, tt.msg, "reset.password.new")
			if c := env.Dir.Calls(); c.Writes() != 0 {
				t.Fatalf("a refused password reached the directory: %+v", c)
			}
			// The same page can be sent again, with a good password.
			env.Expect(setPassword(b, p, newPassword, newPassword), 200, "reset.done.message")
			if pw := password(t, env, u.ID); pw != newPassword {
				t.Fatalf("password %q", pw)
			}
		})
	}
}

// TestResetDirectoryPolicy: the directory's own policy refuses the password
// the frontdoor policy accepted; the user reads why and chooses another.
func TestResetDirectoryPolicy(t *testing.T) {
	tests := []struct {
		reasons []idp.Reason
		msg     string
	}{
		{[]idp.Reason{idp.ReasonHistory}, "reset.error.history"},
		{[]idp.Reason{idp.ReasonTooYoung}, "reset.error.too_young"},
		{[]idp.Reason{idp.ReasonComplexity, idp.ReasonTooShort}, "reset.error.directory_policy"},
	}
	for _, tt := range tests {
		t.Run(string(tt.reasons[0]), func(t *testing.T) {
			env, b, p, u := atPassword(t, config.Reset{})
			env.Dir.FailWrites(&idp.PolicyError{Reasons: tt.reasons})
			p = setPassword(b, p, newPassword, newPassword)
			env.Expect(p, 422, tt.msg, "reset.password.new")
			if c := env.Dir.Calls(); c.SetPassword != 1 {
				t.Fatalf("write attempts %d, want 1", c.SetPassword)
			}
			if step := env.Step(b, "reset"); step != "password" {
				t.Fatalf("after the refusal the flow is at %q", step)
			}
			if evs := env.Events(audit.PasswordFailed); len(evs) != 1 || evs[0].Outcome != "policy" {
				t.Fatalf("audit %+v", evs)
			}
			env.Dir.FailWrites(nil)
			env.Expect(setPassword(b, p, "Other-Kettle-Evening-58!", "Other-Kettle-Evening-58!"), 200, "reset.done.message")
			if pw := password(t, env, u.ID); pw != "Other-Kettle-Evening-58!" {
				t.Fatalf("password %q", pw)
			}
		})
	}
}

// TestResetDirectoryDownAtWrite: the directory answers the re-read and is
// gone at the write itself. The write was attempted and the account read
// back (its password unchanged), the user is told to retry, nothing is
// consumed, and the retry works once it is back.
func TestResetDirectoryDownAtWrite(t *testing.T) {
	env, b, p, u := atPassword(t, config.Reset{})
	before := env.Dir.Calls()
	env.Dir.FailWrites(idp.ErrUnavailable)
	p = setPassword(b, p, newPassword, newPassword)
	env.Expect(p, 503, "reset.error.unavailable", "reset.password.new")
	after := env.Dir.Calls()
	if after.Lookups != before.Lookups+2 || after.SetPassword != before.SetPassword+1 {
		t.Fatalf("directory calls %+v then %+v: want a re-read, one write attempt and a read-back", before, after)
	}
	if pw := password(t, env, u.ID); pw != flowtest.OldPassword {
		t.Fatalf("password %q after a failed write", pw)
	}
	if step := env.Step(b, "reset"); step != "password" {
		t.Fatalf("after the failed write the flow is at %q", step)
	}
	if evs := env.Events(audit.PasswordFailed); len(evs) != 1 || evs[0].Outcome != "unavailable" {
		t.Fatalf("audit %+v", evs)
	}

	env.Dir.FailWrites(nil)
	env.Expect(setPassword(b, p, newPassword, newPassword), 200, "reset.done.message")
	if pw := password(t, env, u.ID); pw != newPassword {
		t.Fatalf("password %q after the retry", pw)
	}
}

// TestResetDirectoryDownAtReRead: without the re-read nothing is written.
func TestResetDirectoryDownAtReRead(t *testing.T) {
	env, b, p, _ := atPassword(t, config.Reset{})
	env.Dir.FailLookups(idp.ErrUnavailable)
	env.Expect(setPassword(b, p, newPassword, newPassword), 503, "reset.error.unavailable")
	if c := env.Dir.Calls(); c.Writes() != 0 {
		t.Fatalf("a write without the re-read: %+v", c)
	}
	if step := env.Step(b, "reset"); step != "password" {
		t.Fatalf("the flow is at %q", step)
	}
}

func TestResetWriteRefused(t *testing.T) {
	env, b, p, _ := atPassword(t, config.Reset{})
	env.Dir.FailWrites(idp.ErrRefused)
	env.Expect(setPassword(b, p, newPassword, newPassword), 502, "reset.error.write")
	if evs := env.Events(audit.PasswordFailed); len(evs) != 1 || evs[0].Outcome != "error" {
		t.Fatalf("audit %+v", evs)
	}
}

// TestResetPartialWriteStands: the password was set and only the unlock
// that goes with it failed: the reset stands, it is not written twice.
func TestResetPartialWriteStands(t *testing.T) {
	env, b, p, _ := atPassword(t, config.Reset{UnlockOnReset: true})
	env.Dir.FailWrites(idp.ErrPartial)
	env.Expect(setPassword(b, p, newPassword, newPassword), 200, "reset.done.message")
	if evs := env.Events(audit.PasswordReset); len(evs) != 1 {
		t.Fatalf("audit %+v", evs)
	}
	if logs := env.Logs(); !strings.Contains(logs, "password reset, but the lockout could not be cleared") || strings.Contains(logs, newPassword) {
		t.Errorf("the partial write is not logged as such, or the log holds the password:\n%s", logs)
	}
}

// TestResetAccountBusy: the account cannot be had for the write (another
// replica's write to it is taking too long) while that other write sets a
// password. The flow writes nothing, does not take the other password for
// its own, and gives the step back with 503.
func TestResetAccountBusy(t *testing.T) {
	env := flowtest.New(t)
	u := env.AddUser("alice")
	const other = "Other-Writer-Lantern-71"
	env.LockAccount = func(ctx context.Context, key string) (func(), error) {
		if key != u.ID {
			t.Errorf("locked %q, want the account's ID %q", key, u.ID)
		}
		if err := env.Dir.SetPassword(ctx, u, other, idp.SetOptions{}); err != nil {
			t.Fatal(err)
		}
		return nil, context.DeadlineExceeded
	}
	env.Reset(config.Reset{})
	b := env.Browser()
	p := env.PassGates(b, "reset", "alice", u.Email())
	env.Expect(setPassword(b, p, newPassword, newPassword), 503, "reset.error.unavailable", "reset.password.new")
	if pw := password(t, env, u.ID); pw != other {
		t.Errorf("password %q, want the other writer's", pw)
	}
	if evs := env.Events(audit.PasswordReset); len(evs) != 0 {
		t.Errorf("a reset that wrote nothing was audited as done: %+v", evs)
	}
	if step := env.Step(b, "reset"); step != "password" {
		t.Errorf("the flow is at %q, want the step given back", step)
	}
}

// TestResetAccountChanged: the account read again at the write is not the
// one the gates were passed for; nothing is written.
func TestResetAccountChanged(t *testing.T) {
	tests := []struct {
		name   string
		change func(env *flowtest.Env, u idp.User)
	}{
		{"mail changed", func(env *flowtest.Env, u idp.User) {
			env.Dir.Update(u.ID, func(u *idp.User) { u.Emails = []string{"mallory@example.test"} })
		}},
		{"disabled", func(env *flowtest.Env, u idp.User) { env.Dir.Update(u.ID, func(u *idp.User) { u.Disabled = true }) }},
		{"locked by an administrator", func(env *flowtest.Env, u idp.User) {
			env.Dir.Update(u.ID, func(u *idp.User) { u.PermanentlyLocked = true })
		}},
		{"removed", func(env *flowtest.Env, u idp.User) { env.Dir.Remove(u.ID) }},
		{"login now names another account", func(env *flowtest.Env, u idp.User) {
			env.Dir.Remove(u.ID)
			env.AddUser("alice", func(n *idp.User) { n.ID = "id-new-alice" })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, b, p, u := atPassword(t, config.Reset{})
			tt.change(env, u)
			if p := setPassword(b, p, newPassword, newPassword); p.Status != 409 {
				t.Fatalf("status %d\n%s", p.Status, p.Body)
			}
			if c := env.Dir.Calls(); c.Writes() != 0 {
				t.Fatalf("written to a changed account: %+v", c)
			}
			if evs := env.Events(audit.PasswordFailed); len(evs) != 1 || evs[0].Outcome != "account_changed" {
				t.Fatalf("audit %+v", evs)
			}
		})
	}
}

// TestResetStaleFlow: a page kept open too long, or sent for a step the
// flow has left, writes nothing.
func TestResetStaleFlow(t *testing.T) {
	t.Run("expired", func(t *testing.T) {
		env, b, p, _ := atPassword(t, config.Reset{})
		env.Clock.Advance(16 * time.Minute)
		p = setPassword(b, p, newPassword, newPassword)
		env.Expect(p, 200, "reset.identify.login")
		if p.URL.Path != "/.frontdoor/reset" {
			t.Fatalf("an expired flow ends at %s", p.URL)
		}
		if c := env.Dir.Calls(); c.Writes() != 0 {
			t.Fatalf("an expired flow wrote: %+v", c)
		}
	})
	t.Run("token of an earlier step", func(t *testing.T) {
		env := flowtest.New(t)
		u := env.AddUser("alice")
		env.Reset(config.Reset{})
		b := env.Browser()
		verifyPage := env.ChooseEmail(b, "reset", env.Identify(b, "reset", "alice"))
		env.Expect(b.Submit(verifyPage, "reset/verify", "code", env.LastCode(u.Email())), 200, "reset.password.new")
		form := url.Values{"csrf_token": {verifyPage.CSRF(t)}, "password": {newPassword}, "confirm": {newPassword}}
		if p := b.Post("/.frontdoor/reset/password", form); p.Status != 403 {
			t.Fatalf("the verify page's token at the password step: status %d", p.Status)
		}
		if c := env.Dir.Calls(); c.Writes() != 0 {
			t.Fatalf("written: %+v", c)
		}
	})
	t.Run("password before the gates", func(t *testing.T) {
		env := flowtest.New(t)
		env.AddUser("alice")
		env.Reset(config.Reset{})
		b := env.Browser()
		p := env.Identify(b, "reset", "alice")
		form := url.Values{"csrf_token": {p.CSRF(t)}, "password": {newPassword}, "confirm": {newPassword}}
		if p := b.Post("/.frontdoor/reset/password", form); p.Status != 409 {
			t.Fatalf("a password at the method step: status %d", p.Status)
		}
		if c := env.Dir.Calls(); c.Writes() != 0 {
			t.Fatalf("written: %+v", c)
		}
	})
	t.Run("no flow", func(t *testing.T) {
		env := flowtest.New(t)
		env.Reset(config.Reset{})
		b := env.Browser()
		p := b.Post("/.frontdoor/reset/password", url.Values{"password": {newPassword}, "confirm": {newPassword}})
		env.Expect(p, 200, "reset.identify.login")
	})
}

// TestResetPermanentLock: an administrator's lock sends the user to the
// administrator; in generic mode nothing says so and no code goes out.
func TestResetPermanentLock(t *testing.T) {
	for _, mode := range []config.Disclosure{config.DisclosureGeneric, config.DisclosureDescriptive} {
		t.Run(string(mode), func(t *testing.T) {
			env := flowtest.New(t)
			env.AddUser("alice", func(u *idp.User) { u.PermanentlyLocked = true })
			env.Reset(config.Reset{Disclosure: mode})
			b := env.Browser()
			p := env.Identify(b, "reset", "alice")
			if mode == config.DisclosureDescriptive {
				env.Expect(p, 200, "reset.stopped.contact_admin")
				return
			}
			env.Expect(p, 200, "reset.method.email")
			env.Expect(env.ChooseEmail(b, "reset", p), 200, "reset.verify.sent")
			if m := env.Mail(); len(m) != 0 {
				t.Fatalf("a code went to a permanently locked account: %+v", m)
			}
		})
	}
}

// TestResetWriteAnswerLostSettles: the directory carries out the write but
// its answer is lost. The account read back shows the new password, so the
// user is told it was reset, and what the backend would have done after
// the write is done now: the lockout cleared (unlock_on_reset) and the
// user's sessions ended.
func TestResetWriteAnswerLostSettles(t *testing.T) {
	env := flowtest.New(t)
	u := env.AddUser("alice")
	env.Dir.Update(u.ID, func(u *idp.User) { u.Locked = true })
	env.Reset(config.Reset{UnlockOnReset: true})
	b := env.Browser()
	p := env.PassGates(b, "reset", "alice", u.Email())
	env.Expect(p, 200, "reset.password.new")
	env.Dir.LoseAnswers(true)
	env.Expect(setPassword(b, p, newPassword, newPassword), 200, "reset.done.message")
	if pw := password(t, env, u.ID); pw != newPassword {
		t.Fatalf("password %q", pw)
	}
	after, _, _ := env.Dir.User(u.ID)
	if after.Locked {
		t.Error("the lockout was not cleared after the lost answer")
	}
	if c := env.Dir.Calls(); c.SetPassword != 1 || c.Unlock != 1 || c.EndSessions != 1 {
		t.Errorf("directory calls %+v: want one write, one unlock and sessions ended once", c)
	}
	if evs := env.Events(audit.PasswordReset); len(evs) != 1 {
		t.Errorf("password.reset events %+v, want 1", evs)
	}
}
