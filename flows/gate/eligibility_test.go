package gate_test

import (
	"context"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

const (
	staff    = "cn=staff"
	admins   = "cn=helpdesk-managed"
	externOU = "ou=partners"
)

func no() *bool { b := false; return &b }

// TestEligibility: who may go through the gates, in both disclosure modes.
// In generic mode every user ID walks the same pages to the code entry and
// only an eligible account receives a code; in descriptive mode the others
// stop at once with the reason.
func TestEligibility(t *testing.T) {
	tests := []struct {
		name    string
		rc      config.Reset
		login   string
		setup   func(env *flowtest.Env)
		outcome string // "" for eligible
		// untold: stopped as contact_admin, but not managed elsewhere, so
		// not reported to the helpdesk's alert.
		untold bool
	}{
		{name: "eligible", login: "alice"},
		{name: "by mail address", login: "ALICE@example.test"},
		{name: "unknown user ID", login: "nobody", outcome: "not_found"},
		{name: "ambiguous user ID", login: "shared@example.test", outcome: "not_found", setup: func(env *flowtest.Env) {
			env.AddUser("bob", func(u *idp.User) { u.Emails = []string{"shared@example.test"} })
			env.AddUser("carol", func(u *idp.User) { u.Emails = []string{"shared@example.test"} })
		}},
		{name: "disabled", login: "alice", outcome: "not_enabled", setup: edit(func(u *idp.User) { u.Disabled = true })},
		{name: "expired", login: "alice", outcome: "not_enabled", setup: edit(func(u *idp.User) { u.Expired = true })},
		{name: "flow enabled for nobody", login: "alice", outcome: "not_enabled", rc: config.Reset{Enabled: config.EnabledNone}},
		{name: "in an enabled group", login: "alice", rc: config.Reset{Enabled: config.EnabledGroups, Groups: []string{"cn=other", staff}},
			setup: func(env *flowtest.Env) { env.Dir.AddToGroup(staff, "id-alice") }},
		{name: "in no enabled group", login: "alice", outcome: "not_enabled", rc: config.Reset{Enabled: config.EnabledGroups, Groups: []string{staff}},
			setup: func(env *flowtest.Env) { env.Dir.AddToGroup("cn=other", "id-alice") }},
		{name: "privileged", login: "alice", outcome: "contact_admin", setup: edit(func(u *idp.User) { u.Privileged = true })},
		// A privileged account always needs two methods (TestPrivilegedNeedsTwo).
		{name: "privileged, allowed, one method", login: "alice", outcome: "no_method", rc: config.Reset{ManagedElsewhere: config.ManagedElsewhere{Privileged: no()}},
			setup: edit(func(u *idp.User) { u.Privileged = true })},
		{name: "in a managed OU", login: "alice", outcome: "contact_admin", rc: config.Reset{ManagedElsewhere: config.ManagedElsewhere{OUs: []string{"ou=x", externOU}}},
			setup: func(env *flowtest.Env) { env.Dir.PutIn(externOU, "id-alice") }},
		{name: "outside the managed OU", login: "alice", rc: config.Reset{ManagedElsewhere: config.ManagedElsewhere{OUs: []string{externOU}}}},
		{name: "in a managed group", login: "alice", outcome: "contact_admin", rc: config.Reset{ManagedElsewhere: config.ManagedElsewhere{Groups: []string{admins}}},
			setup: func(env *flowtest.Env) { env.Dir.AddToGroup(admins, "id-alice") }},
		{name: "not in the managed group", login: "alice", rc: config.Reset{ManagedElsewhere: config.ManagedElsewhere{Groups: []string{admins}}}},
		{name: "no mail address", login: "alice", outcome: "no_method", setup: edit(func(u *idp.User) { u.Emails = nil })},
		{name: "administrator's lock", login: "alice", outcome: "contact_admin", untold: true, setup: edit(func(u *idp.User) { u.PermanentlyLocked = true })},
		{name: "registration required, not registered", login: "alice", outcome: "not_registered", setup: func(env *flowtest.Env) {
			env.Registered = func(_ context.Context, u idp.User) (bool, error) { return u.ID != "id-alice", nil }
		}},
		{name: "registration required, registered", login: "alice", setup: func(env *flowtest.Env) {
			env.Registered = func(context.Context, idp.User) (bool, error) { return true, nil }
		}},
		{name: "blocked", login: "alice", outcome: "blocked", setup: func(env *flowtest.Env) {
			if err := env.Store.Limits().Block(t.Context(), "reset-block:id:id-alice", env.Clock.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		for _, mode := range []config.Disclosure{config.DisclosureGeneric, config.DisclosureDescriptive} {
			t.Run(tt.name+"/"+string(mode), func(t *testing.T) {
				env := flowtest.New(t)
				env.AddUser("alice")
				if tt.setup != nil {
					tt.setup(env)
				}
				rc := tt.rc
				rc.Disclosure = mode
				env.Reset(rc)
				b := env.Browser()
				p := env.Identify(b, "reset", tt.login)
				// The helpdesk hears of each account stopped as managed elsewhere.
				refused, told := env.Refused(), tt.outcome == "contact_admin" && !tt.untold
				if told && (len(refused) != 1 || refused[0].Kind != "reset" || refused[0].User.ID != "id-alice") {
					t.Fatalf("refusals told: %+v; want alice's reset", refused)
				} else if !told && len(refused) != 0 {
					t.Fatalf("refusals told for an account stopped as %q: %+v", tt.outcome, refused)
				}
				if tt.outcome != "" && mode == config.DisclosureDescriptive {
					env.Expect(p, 200, "reset.stopped."+tt.outcome)
					if len(env.Mail()) != 0 {
						t.Fatal("a code went out")
					}
					return
				}
				env.Expect(p, 200, "reset.method.email")
				p = env.ChooseEmail(b, "reset", p)
				env.Expect(p, 200, "reset.verify.title")
				mail := env.Mail()
				if tt.outcome != "" {
					if len(mail) != 0 {
						t.Fatalf("a code went to an account stopped as %s: %+v", tt.outcome, mail)
					}
					env.Expect(p, 200, "reset.verify.sent")
					// Any code is wrong, as for a real account.
					env.Expect(b.Submit(p, "reset/verify", "code", "12345678"), 422, "reset.error.code")
					return
				}
				if len(mail) != 1 || mail[0].To != "alice@example.test" {
					t.Fatalf("codes sent %+v", mail)
				}
				env.Expect(b.Submit(p, "reset/verify", "code", mail[0].Code), 200, "reset.password.new")
			})
		}
	}
}

func edit(fn func(*idp.User)) func(*flowtest.Env) {
	return func(env *flowtest.Env) { env.Dir.Update("id-alice", fn) }
}

// TestEligibilityAudit: identify records the account's stable key and the
// verdict, whatever the user typed.
func TestEligibilityAudit(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice", func(u *idp.User) { u.Disabled = true })
	env.Reset(config.Reset{})
	b := env.Browser()
	env.Identify(b, "reset", "Alice@Example.test")
	env.Identify(b, "reset", "Nobody")
	evs := env.Events(audit.Identified)
	if len(evs) != 2 {
		t.Fatalf("audit %+v", evs)
	}
	got := map[string]string{}
	for _, e := range evs {
		got[e.User] = e.Outcome
	}
	if got["id:id-alice"] != "not_enabled" || got[gate.UnknownKey(nil, "Nobody")] != "not_found" {
		t.Fatalf("identified events %+v", got)
	}
}

// TestGroupsNeedGroupMember: group scoping with a directory that cannot
// tell membership fails closed.
func TestGroupsNeedGroupMember(t *testing.T) {
	for _, rc := range []config.Reset{
		{Enabled: config.EnabledGroups, Groups: []string{staff}},
		{ManagedElsewhere: config.ManagedElsewhere{Groups: []string{admins}}},
	} {
		env := flowtest.New(t)
		env.AddUser("alice")
		env.Directory = env.Dir.Without("groups")
		env.Reset(rc)
		b := env.Browser()
		env.Expect(env.Identify(b, "reset", "alice"), 503, "error.unavailable_directory.title")
		if len(env.Mail()) != 0 {
			t.Fatal("a code went out")
		}
	}
}

// TestIdentifyDirectoryDown: a directory that cannot be reached at identify
// is an error page, not a verdict about the account.
func TestIdentifyDirectoryDown(t *testing.T) {
	env := flowtest.New(t)
	env.AddUser("alice")
	env.Reset(config.Reset{Disclosure: config.DisclosureDescriptive})
	env.Dir.FailLookups(idp.ErrUnavailable)
	b := env.Browser()
	p := env.Identify(b, "reset", "alice")
	env.Expect(p, 503, "error.unavailable_directory.title")
	env.ExpectNot(p, "reset.stopped.not_found")
	if step := env.Step(b, "reset"); step != "identify" {
		t.Fatalf("the flow moved on to %q", step)
	}
}

// TestIdentifyNeedsStableID: an account without a stable ID cannot be keyed
// in limits and blocks; identify refuses it rather than key it by login.
func TestIdentifyNeedsStableID(t *testing.T) {
	env := flowtest.New(t)
	env.Directory = noID{env.Dir}
	env.AddUser("alice")
	env.Reset(config.Reset{})
	env.Expect(env.Identify(env.Browser(), "reset", "alice"), 503, "error.unavailable_directory.title")
}

// noID is a directory that loses its users' stable IDs.
type noID struct{ idp.Directory }

func (d noID) Lookup(ctx context.Context, login string) (idp.User, error) {
	u, err := d.Directory.Lookup(ctx, login)
	u.ID = ""
	return u, err
}
