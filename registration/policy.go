package registration

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Policy applies the configuration's registration section to a user.
type Policy struct {
	Config config.Registration
	// Regs is the users' registered security info.
	Regs methods.Registrations
	// MethodsRequired is how many methods a user must have registered: the
	// reset's methods_required (1 when zero).
	MethodsRequired int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Enrolled, when set, tells whether u has a usable registration of a
	// method with enrolment data (known false for a method it cannot
	// tell): a key set up but never confirmed, a passkey ceremony begun,
	// or answers to questions no longer offered leave a section that is
	// not a registration. Without it, or for an unknown method, the
	// section's presence counts.
	Enrolled func(ctx context.Context, u idp.User, method string) (has, known bool, err error)
}

// Registered reports whether u meets the registration policy well enough
// to reset: when registration is required, u has confirmed their security
// info at least once (by verifying a value or "looks good") and has enough
// of the configured methods registered. Directory attributes count for the
// contact methods when registration.use_for_reset includes "directory".
// Without required registration every user is registered.
func (p *Policy) Registered(ctx context.Context, u idp.User) (bool, error) {
	if !p.Config.Required {
		return true, nil
	}
	n, confirmed, err := p.count(ctx, u)
	return err == nil && !confirmed.IsZero() && n >= p.need(), err
}

// MustRegister reports whether u must see the "more information required"
// page when signing in: registration is required and u is not registered
// (see Registered), or u last confirmed longer ago than reconfirm_days.
func (p *Policy) MustRegister(ctx context.Context, u idp.User) (bool, error) {
	if !p.Config.Required {
		return false, nil
	}
	n, confirmed, err := p.count(ctx, u)
	if err != nil {
		return false, err
	}
	if confirmed.IsZero() || n < p.need() {
		return true, nil
	}
	if days := p.Config.ReconfirmDays; days > 0 {
		return p.now().Sub(confirmed) > time.Duration(days)*24*time.Hour, nil
	}
	return false, nil
}

func (p *Policy) need() int { return max(1, p.MethodsRequired) }

func (p *Policy) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}

// count returns how many of the configured methods u has, and when u last
// confirmed their security info.
func (p *Policy) count(ctx context.Context, u idp.User) (int, time.Time, error) {
	registered := slices.Contains(p.Config.UseForReset, config.SourceRegistered)
	directory := slices.Contains(p.Config.UseForReset, config.SourceDirectory)
	c, err := methods.ReadContact(ctx, p.Regs, u.ID)
	if err != nil {
		return 0, time.Time{}, err
	}
	if !registered {
		c = methods.Contact{ConfirmedAt: c.ConfirmedAt}
	}
	n := 0
	for _, m := range p.Config.Methods {
		has := false
		switch m {
		case "email":
			has = len(c.Emails) > 0 || directory && len(u.Emails) > 0
		case "mobile_text", "mobile_call":
			has = c.Mobile != "" || directory && u.Mobile != ""
		case "office_call":
			has = c.Office != "" || directory && u.Phone != ""
		default: // a method with enrolment data of its own, in its section
			if p.Enrolled != nil {
				var known bool
				if has, known, err = p.Enrolled(ctx, u, m); err != nil {
					return 0, time.Time{}, err
				}
				if known {
					break
				}
			}
			if p.Regs != nil {
				var raw json.RawMessage
				if has, err = p.Regs.Section(ctx, u.ID, m, &raw); err != nil {
					return 0, time.Time{}, err
				}
			}
		}
		if has {
			n++
		}
	}
	return n, c.ConfirmedAt, nil
}
