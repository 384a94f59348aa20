package methods

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// memRegs is an in-memory Registrations, a test double of the encrypted
// store (package registration).
type memRegs struct {
	docs map[string]map[string]json.RawMessage
	err  error
}

func (m *memRegs) Section(_ context.Context, user, name string, v any) (bool, error) {
	if m.err != nil {
		return false, m.err
	}
	raw, ok := m.docs[user][name]
	if !ok {
		return false, nil
	}
	return true, json.Unmarshal(raw, v)
}

func (m *memRegs) SetSection(_ context.Context, user, name string, v any) error {
	raw, err := json.Marshal(v)
	if m.docs == nil {
		m.docs = map[string]map[string]json.RawMessage{}
	}
	if m.docs[user] == nil {
		m.docs[user] = map[string]json.RawMessage{}
	}
	m.docs[user][name] = raw
	return err
}

func TestContactEmails(t *testing.T) {
	ctx := context.Background()
	u := idp.User{ID: "id-alice", Emails: []string{"alice@corp.test"}}
	regs := &memRegs{}
	if err := regs.SetSection(ctx, u.ID, SectionContact, Contact{Emails: []string{"alice@home.test", "ALICE@corp.test"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		regs    Registrations
		sources []string
		want    []string
	}{
		{"directory only", regs, []string{"directory"}, []string{"alice@corp.test"}},
		{"registered only", regs, []string{"registered"}, []string{"alice@home.test", "ALICE@corp.test"}},
		{"registered first", regs, []string{"registered", "directory"}, []string{"alice@home.test", "ALICE@corp.test"}},
		{"directory first", regs, []string{"directory", "registered"}, []string{"alice@corp.test", "alice@home.test"}},
		{"no registrations", nil, []string{"registered", "directory"}, []string{"alice@corp.test"}},
		{"unreadable registration", &memRegs{err: errors.New("sealed with a removed key")}, []string{"registered", "directory"}, []string{"alice@corp.test"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ContactEmails(ctx, tt.regs, tt.sources, u); !slices.Equal(got, tt.want) {
				t.Errorf("ContactEmails() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEmailUsesRegisteredAddress(t *testing.T) {
	ctx := context.Background()
	m, box, _, tg := setup(t)
	regs := &memRegs{}
	m.Registrations, m.Sources = regs, []string{"registered", "directory"}
	if err := regs.SetSection(ctx, tg.User.ID, SectionContact, Contact{Emails: []string{"alice@home.test"}}); err != nil {
		t.Fatal(err)
	}
	if hint, ok := m.Hint(ctx, *tg.User); !ok || hint != "al***@home.test" {
		t.Errorf("Hint() = %q, %v; want the registered address, masked", hint, ok)
	}
	if err := m.Start(ctx, tg); err != nil {
		t.Fatal(err)
	}
	if got := box.last().To; got != "alice@home.test" {
		t.Errorf("the code went to %s, want the registered alternate email", got)
	}

	// A user with no directory mail can still use the method.
	noMail := idp.User{ID: tg.User.ID, Login: "alice"}
	if _, ok := m.Hint(ctx, noMail); !ok {
		t.Error("Hint() = false for a user with a registered address only")
	}
	m.Sources = []string{"directory"}
	if _, ok := m.Hint(ctx, noMail); ok {
		t.Error("Hint() = true with use_for_reset [directory] for a user with a registered address only")
	}
}

func TestContactPhone(t *testing.T) {
	ctx := context.Background()
	u := idp.User{ID: "id-alice", Mobile: "+15550100", Phone: "+15550199"}
	regs := &memRegs{}
	if err := regs.SetSection(ctx, u.ID, SectionContact, Contact{Mobile: "+447911123456"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		sources    []string
		kind, want string
	}{
		{[]string{"registered", "directory"}, "mobile", "+447911123456"},
		{[]string{"directory", "registered"}, "mobile", "+15550100"},
		{[]string{"registered"}, "office", ""},
		{[]string{"registered", "directory"}, "office", "+15550199"},
	}
	for _, tt := range tests {
		if got := ContactPhone(ctx, regs, tt.sources, u, tt.kind); got != tt.want {
			t.Errorf("ContactPhone(%v, %s) = %q, want %q", tt.sources, tt.kind, got, tt.want)
		}
	}
}
