package unlock_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

func locked(u *idp.User) { u.Locked = true }

// atConfirm walks alice (changed by edit) through the gates of an unlock
// and returns the confirm page.
func atConfirm(t *testing.T, uc config.Unlock, rc config.Reset, edit ...func(*idp.User)) (*flowtest.Env, *flowtest.Browser, flowtest.Page, idp.User) {
	t.Helper()
	env := flowtest.New(t)
	u := env.AddUser("alice", edit...)
	env.Unlock(uc, rc)
	b := env.Browser()
	p := env.PassGates(b, "unlock", "alice", u.Email())
	env.Expect(p, 200, "unlock.confirm.lead")
	return env, b, p, u
}

func confirm(b *flowtest.Browser, p flowtest.Page) flowtest.Page {
	return b.Submit(p, "unlock/confirm")
}

func isLocked(t *testing.T, env *flowtest.Env, id string) bool {
	t.Helper()
	u, _, ok := env.Dir.User(id)
	if !ok {
		t.Fatalf("no user %s", id)
	}
	return u.Locked
}

// TestUnlockWalk: both disclosure modes, an account locked or not.
func TestUnlockWalk(t *testing.T) {
	tests := []struct {
		mode   config.Disclosure
		locked bool
		msg    string
	}{
		{config.DisclosureGeneric, true, "unlock.done.generic"},
		{config.DisclosureGeneric, false, "unlock.done.generic"},
		{config.DisclosureDescriptive, true, "unlock.done.unlocked"},
		{config.DisclosureDescriptive, false, "unlock.done.not_locked"},
	}
	for _, tt := range tests {
		name := string(tt.mode) + "/not locked"
		if tt.locked {
			name = string(tt.mode) + "/locked"
		}
		t.Run(name, func(t *testing.T) {
			env := flowtest.New(t)
			u := env.AddUser("alice", func(u *idp.User) { u.Locked = tt.locked })
			env.Unlock(config.Unlock{}, config.Reset{Disclosure: tt.mode})
			b := env.Browser()
			p := b.Get("/.frontdoor/unlock?return_to=" + url.QueryEscape("/login"))
			env.Expect(p, 200, "unlock.identify.title", "unlock.reset_instead")
			if !strings.Contains(p.Body, `href="/.frontdoor/reset?return_to=%2Flogin"`) {
				t.Fatalf("no way to reset instead, to the same sign-in page:\n%s", p.Body)
			}
			p = b.Submit(p, "unlock/identify", "login", "alice")
			p = b.Submit(env.ChooseEmail(b, "unlock", p), "unlock/verify", "code", env.LastCode(u.Email()))
			env.Expect(p, 200, "unlock.confirm.lead")
			p = confirm(b, p)
			env.Expect(p, 200, tt.msg)
			if !strings.Contains(p.Body, `href="http://frontdoor.test/login"`) {
				t.Fatalf("the done page does not lead back to the sign-in page:\n%s", p.Body)
			}
			if isLocked(t, env, u.ID) {
				t.Fatal("the account is still locked")
			}
			if _, pw, _ := env.Dir.User(u.ID); pw != flowtest.OldPassword {
				t.Fatalf("the unlock changed the password to %q", pw)
			}
			if n := len(env.Unlocked()); (n == 1) != tt.locked {
				t.Fatalf("%d unlock notices for an account locked=%v", n, tt.locked)
			}
			evs := env.Events(audit.Unlocked)
			if len(evs) != 1 || evs[0].Detail["was_locked"] != map[bool]string{true: "true", false: "false"}[tt.locked] {
				t.Fatalf("audit %+v", evs)
			}
			if p := b.Get("/.frontdoor/unlock/step"); p.Status != 200 || !strings.Contains(p.Body, env.Text(tt.msg)) {
				t.Fatalf("the step page after the unlock: %d", p.Status)
			}
		})
	}
}

// TestUnlockRetry: the directory fails at the unlock; the confirm step is
// given back, the user is told, and the retry unlocks.
func TestUnlockRetry(t *testing.T) {
	tests := []struct {
		name   string
		fail   func(*flowtest.Env)
		status int
		msg    string
		writes int
	}{
		{"directory down at the unlock", func(env *flowtest.Env) { env.Dir.FailWrites(idp.ErrUnavailable) }, 503, "unlock.error.unavailable", 1},
		{"directory refuses the unlock", func(env *flowtest.Env) { env.Dir.FailWrites(idp.ErrRefused) }, 502, "unlock.error.write", 1},
		{"directory down at the re-read", func(env *flowtest.Env) { env.Dir.FailLookups(idp.ErrUnavailable) }, 503, "unlock.error.unavailable", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, b, p, u := atConfirm(t, config.Unlock{}, config.Reset{}, locked)
			tt.fail(env)
			p = confirm(b, p)
			env.Expect(p, tt.status, tt.msg, "unlock.confirm.lead")
			if c := env.Dir.Calls(); c.Unlock != tt.writes {
				t.Fatalf("unlock attempts %d, want %d", c.Unlock, tt.writes)
			}
			if !isLocked(t, env, u.ID) {
				t.Fatal("unlocked by a failed attempt")
			}
			if step := env.Step(b, "unlock"); step != "confirm" {
				t.Fatalf("after the failure the flow is at %q", step)
			}
			if evs := env.Events(audit.UnlockFailed); len(evs) != 1 {
				t.Fatalf("audit %+v", evs)
			}
			env.Dir.FailWrites(nil)
			env.Dir.FailLookups(nil)
			env.Expect(confirm(b, p), 200, "unlock.done.generic")
			if isLocked(t, env, u.ID) {
				t.Fatal("the retry did not unlock")
			}
		})
	}
}

// TestUnlockAdminLock: an administrator's lock is never cleared, whenever
// it shows.
func TestUnlockAdminLock(t *testing.T) {
	t.Run("at identify, descriptive", func(t *testing.T) {
		env := flowtest.New(t)
		env.AddUser("alice", func(u *idp.User) { u.PermanentlyLocked = true })
		env.Unlock(config.Unlock{}, config.Reset{Disclosure: config.DisclosureDescriptive})
		b := env.Browser()
		env.Expect(env.Identify(b, "unlock", "alice"), 200, "unlock.stopped.admin_lock")
		if len(env.Mail()) != 0 {
			t.Fatal("a code went out")
		}
	})
	t.Run("at identify, generic", func(t *testing.T) {
		env := flowtest.New(t)
		env.AddUser("alice", func(u *idp.User) { u.PermanentlyLocked = true })
		env.Unlock(config.Unlock{}, config.Reset{})
		b := env.Browser()
		p := env.Identify(b, "unlock", "alice")
		env.Expect(p, 200, "reset.method.email")
		env.Expect(env.ChooseEmail(b, "unlock", p), 200, "reset.verify.sent")
		if len(env.Mail()) != 0 {
			t.Fatal("a code went out")
		}
	})
	t.Run("at the re-read", func(t *testing.T) {
		env, b, p, u := atConfirm(t, config.Unlock{}, config.Reset{}, locked)
		env.Dir.Update(u.ID, func(u *idp.User) { u.PermanentlyLocked = true })
		env.Expect(confirm(b, p), 200, "unlock.stopped.admin_lock")
		if c := env.Dir.Calls(); c.Unlock != 0 {
			t.Fatalf("unlock attempts %d", c.Unlock)
		}
		if evs := env.Events(audit.UnlockFailed); len(evs) != 1 || evs[0].Outcome != "admin_lock" {
			t.Fatalf("audit %+v", evs)
		}
	})
	t.Run("refused by the directory", func(t *testing.T) {
		env, b, p, u := atConfirm(t, config.Unlock{}, config.Reset{}, locked)
		env.Dir.FailWrites(idp.ErrLocked)
		env.Expect(confirm(b, p), 200, "unlock.stopped.admin_lock")
		if !isLocked(t, env, u.ID) {
			t.Fatal("unlocked")
		}
	})
}

// TestUnlockAccountChanged: the user ID names another account at the
// re-read; nothing is unlocked and the user may retry.
func TestUnlockAccountChanged(t *testing.T) {
	env, b, p, u := atConfirm(t, config.Unlock{}, config.Reset{}, locked)
	env.Dir.Remove(u.ID)
	other := env.AddUser("alice", func(n *idp.User) { n.ID = "id-other"; n.Locked = true })
	env.Expect(confirm(b, p), 502, "unlock.error.write")
	if c := env.Dir.Calls(); c.Unlock != 0 || !isLocked(t, env, other.ID) {
		t.Fatalf("another account was unlocked: %+v", c)
	}
}

func TestUnlockDailyCap(t *testing.T) {
	env := flowtest.New(t)
	u := env.AddUser("alice", locked)
	env.Unlock(config.Unlock{DailyCap: 2}, config.Reset{Disclosure: config.DisclosureDescriptive})
	for range 2 {
		b := env.Browser()
		p := env.PassGates(b, "unlock", "alice", u.Email())
		env.Expect(confirm(b, p), 200, "unlock.done.unlocked")
		env.Dir.Update(u.ID, locked)
	}
	b := env.Browser()
	p := env.PassGates(b, "unlock", "alice", u.Email())
	if c := env.Capped(); len(c) != 0 {
		t.Fatalf("the cap was reported before it refused anything: %+v", c)
	}
	env.Expect(confirm(b, p), 200, "unlock.stopped.capped")
	if c := env.Dir.Calls(); c.Unlock != 2 || !isLocked(t, env, u.ID) {
		t.Fatalf("the third unlock of the day went through: %+v", c)
	}
	if c := env.Capped(); len(c) != 1 || c[0].ID != u.ID {
		t.Fatalf("the refused unlock was reported as %+v; want alice once", c)
	}
}

// TestUnlockRefusedReported: an unlock asked for a privileged account is
// told to the helpdesk's alert, as an unlock; an administrator's lock, which
// unlock stops on its own, is not.
func TestUnlockRefusedReported(t *testing.T) {
	env := flowtest.New(t)
	u := env.AddUser("alice", locked, func(u *idp.User) { u.Privileged = true })
	env.AddUser("bob", func(u *idp.User) { u.PermanentlyLocked = true })
	env.Unlock(config.Unlock{}, config.Reset{})
	env.Identify(env.Browser(), "unlock", "alice")
	env.Identify(env.Browser(), "unlock", "bob")
	if r := env.Refused(); len(r) != 1 || r[0].Kind != "unlock" || r[0].User.ID != u.ID {
		t.Fatalf("refusals told: %+v; want alice's unlock only", r)
	}
}

// TestUnlockStaleFlow: a confirm before the gates, or with a token of an
// earlier step, unlocks nothing.
func TestUnlockStaleFlow(t *testing.T) {
	env := flowtest.New(t)
	u := env.AddUser("alice", locked)
	env.Unlock(config.Unlock{}, config.Reset{})
	b := env.Browser()
	p := env.Identify(b, "unlock", "alice")
	if p := b.Post("/.frontdoor/unlock/confirm", url.Values{"csrf_token": {p.CSRF(t)}}); p.Status != 409 {
		t.Fatalf("a confirm at the method step: status %d", p.Status)
	}
	verifyPage := env.ChooseEmail(b, "unlock", p)
	env.Expect(b.Submit(verifyPage, "unlock/verify", "code", env.LastCode(u.Email())), 200, "unlock.confirm.lead")
	if p := b.Post("/.frontdoor/unlock/confirm", url.Values{"csrf_token": {verifyPage.CSRF(t)}}); p.Status != 403 {
		t.Fatalf("a confirm with the verify page's token: status %d", p.Status)
	}
	if c := env.Dir.Calls(); c.Unlock != 0 || !isLocked(t, env, u.ID) {
		t.Fatalf("unlocked: %+v", c)
	}
}

// TestUnlockWithoutUnlocker: a backend without idp.Unlocker unlocks nothing
// and the user gets the error page.
func TestUnlockWithoutUnlocker(t *testing.T) {
	env := flowtest.New(t)
	u := env.AddUser("alice", locked)
	env.Directory = env.Dir.Without("unlock")
	env.Unlock(config.Unlock{}, config.Reset{})
	b := env.Browser()
	p := env.PassGates(b, "unlock", "alice", u.Email())
	env.Expect(p, 200, "unlock.confirm.lead")
	env.Expect(confirm(b, p), 500, "error.internal.message")
	if !isLocked(t, env, u.ID) {
		t.Fatal("unlocked without an Unlocker")
	}
	if step := env.Step(b, "unlock"); step != "confirm" {
		t.Fatalf("the flow is left at %q", step)
	}
	if n, err := env.Store.Limits().Count(t.Context(), "unlock-cap:id:"+u.ID, 24*time.Hour); err != nil || n != 0 {
		t.Fatalf("the daily cap counted %d (%v) for an unlock that could not happen", n, err)
	}
}

// TestUnlockRetryKeepsTheCap: a directory failure is not an unlock; the
// retry of the same flow does not count against the daily cap again.
func TestUnlockRetryKeepsTheCap(t *testing.T) {
	env, b, p, u := atConfirm(t, config.Unlock{DailyCap: 1}, config.Reset{}, locked)
	env.Dir.FailWrites(idp.ErrUnavailable)
	p = confirm(b, p)
	env.Expect(p, 503, "unlock.error.unavailable")
	env.Dir.FailWrites(nil)
	env.Expect(confirm(b, p), 200, "unlock.done.generic")
	if isLocked(t, env, u.ID) {
		t.Fatal("the retry did not unlock")
	}
	if n, err := env.Store.Limits().Count(t.Context(), "unlock-cap:id:"+u.ID, 24*time.Hour); err != nil || n != 1 {
		t.Fatalf("the daily cap counted %d (%v) for one unlock", n, err)
	}
}
