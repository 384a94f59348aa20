package registration_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/registration"
	"github.com/frontdoor-sspr/frontdoor/store/sqlite"
)

func TestPolicy(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	withMail := idp.User{ID: "id-a", Emails: []string{"a@corp.test"}}
	noMail := idp.User{ID: "id-a"}
	tests := []struct {
		name     string
		cfg      config.Registration
		need     int
		user     idp.User
		contact  *methods.Contact
		sections []string
		// enrolled is Policy.Enrolled's answer for the methods it knows.
		enrolled map[string]bool
		// registered: Registered(); must: MustRegister().
		registered, must bool
	}{
		{name: "not required", cfg: config.Registration{}, user: noMail, registered: true},
		{name: "required, nothing", cfg: req(0, "email"), user: noMail, must: true},
		{name: "required, directory mail never confirmed", cfg: req(0, "email"), user: withMail, must: true},
		{name: "required, directory mail confirmed", cfg: req(0, "email"), user: withMail,
			contact: &methods.Contact{ConfirmedAt: now.Add(-400 * day)}, registered: true},
		{name: "directory not a source", cfg: reqFrom([]string{"registered"}, "email"), user: withMail,
			contact: &methods.Contact{ConfirmedAt: now}, must: true},
		{name: "registered email", cfg: reqFrom([]string{"registered"}, "email"), user: noMail,
			contact: &methods.Contact{Emails: []string{"a@home.test"}, ConfirmedAt: now}, registered: true},
		{name: "reconfirm due", cfg: req(90, "email"), user: withMail,
			contact: &methods.Contact{ConfirmedAt: now.Add(-91 * day)}, registered: true, must: true},
		{name: "reconfirm not yet due", cfg: req(90, "email"), user: withMail,
			contact: &methods.Contact{ConfirmedAt: now.Add(-89 * day)}, registered: true},
		{name: "two needed, one had", cfg: req(0, "email", "mobile_text"), need: 2, user: withMail,
			contact: &methods.Contact{ConfirmedAt: now}, must: true},
		{name: "two needed, mobile registered", cfg: req(0, "email", "mobile_text"), need: 2, user: withMail,
			contact: &methods.Contact{Mobile: "+447700900123", ConfirmedAt: now}, registered: true},
		{name: "two needed, questions registered", cfg: req(0, "email", "security_questions"), need: 2, user: withMail,
			contact: &methods.Contact{ConfirmedAt: now}, sections: []string{"security_questions"}, registered: true},
		{name: "an app set up but never confirmed", cfg: req(0, "email", "app_code"), need: 2, user: withMail,
			contact: &methods.Contact{ConfirmedAt: now}, sections: []string{"app_code"}, enrolled: map[string]bool{"app_code": false}, must: true},
		{name: "an app confirmed", cfg: req(0, "email", "app_code"), need: 2, user: withMail,
			contact: &methods.Contact{ConfirmedAt: now}, sections: []string{"app_code"}, enrolled: map[string]bool{"app_code": true}, registered: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "f.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			rs := &registration.Store{Regs: st.Registrations(), Keys: keyring(t, key("k", 1))}
			if tt.contact != nil {
				if err := rs.SetSection(ctx, tt.user.ID, methods.SectionContact, tt.contact); err != nil {
					t.Fatal(err)
				}
			}
			for _, s := range tt.sections {
				if err := rs.SetSection(ctx, tt.user.ID, s, map[string]int{"n": 3}); err != nil {
					t.Fatal(err)
				}
			}
			p := &registration.Policy{Config: tt.cfg, Regs: rs, MethodsRequired: tt.need, Now: func() time.Time { return now }}
			if tt.enrolled != nil {
				p.Enrolled = func(_ context.Context, _ idp.User, m string) (bool, bool, error) {
					has, known := tt.enrolled[m]
					return has, known, nil
				}
			}
			if got, err := p.Registered(ctx, tt.user); got != tt.registered || err != nil {
				t.Errorf("Registered() = %v, %v; want %v", got, err, tt.registered)
			}
			if got, err := p.MustRegister(ctx, tt.user); got != tt.must || err != nil {
				t.Errorf("MustRegister() = %v, %v; want %v", got, err, tt.must)
			}
		})
	}
}

func req(days int, ms ...string) config.Registration {
	return config.Registration{Required: true, ReconfirmDays: days, Methods: ms, UseForReset: []string{"registered", "directory"}}
}

func reqFrom(sources []string, ms ...string) config.Registration {
	c := req(0, ms...)
	c.UseForReset = sources
	return c
}
