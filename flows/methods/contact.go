package methods

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

// SectionContact names the registration section that flows/register owns:
// the user's alternate emails and phones.
const SectionContact = "contact"

// Contact is the "contact" section of a registration, the contract between
// the "Security info" page (which writes it) and the methods that read it
// (email, mobile_text, the calls). Phone numbers are E.164.
type Contact struct {
	// Emails are alternate addresses, each verified by a code.
	Emails []string `json:"emails,omitempty"`
	// Mobile is verified by a text message.
	Mobile string `json:"mobile,omitempty"`
	// Office is stored as typed (normalised), not verified.
	Office string `json:"office,omitempty"`
	// ConfirmedAt is when the user last verified or confirmed their security
	// info, for the re-confirmation policy.
	ConfirmedAt time.Time `json:"confirmed_at,omitzero"`
}

// Empty tells whether c registers nothing.
func (c Contact) Empty() bool { return len(c.Emails) == 0 && c.Mobile == "" && c.Office == "" }

// ReadContact returns userID's registered contact, the zero Contact when
// there is none or regs is nil.
func ReadContact(ctx context.Context, regs Registrations, userID string) (Contact, error) {
	var c Contact
	if regs == nil || userID == "" {
		return c, nil
	}
	_, err := regs.Section(ctx, userID, SectionContact, &c)
	return c, err
}

// Sources returns the operator's order of sources of contact data
// (registration.use_for_reset): "registered", "directory". Without a
// registration section only the directory's attributes are used.
func Sources(cfg *config.Config) []string {
	if cfg == nil || cfg.Registration == nil {
		return []string{config.SourceDirectory}
	}
	return cfg.Registration.UseForReset
}

// ContactEmails returns u's mail addresses from sources, in their order,
// without duplicates (compared without case). A registration that cannot
// be read is logged and left out: the directory's addresses still serve.
func ContactEmails(ctx context.Context, regs Registrations, sources []string, u idp.User) []string {
	var out []string
	add := func(addrs ...string) {
		for _, a := range addrs {
			if a != "" && !slices.ContainsFunc(out, func(b string) bool { return strings.EqualFold(a, b) }) {
				out = append(out, a)
			}
		}
	}
	for _, src := range sources {
		switch src {
		case config.SourceDirectory:
			add(u.Emails...)
		case config.SourceRegistered:
			c, err := ReadContact(ctx, regs, u.ID)
			if err != nil {
				slog.Default().ErrorContext(ctx, "reading a registration failed; using the directory's data", "user", u.ID, "err", err)
			}
			add(c.Emails...)
		}
	}
	return out
}

// ContactPhone returns u's first number of kind ("mobile" or "office") from
// sources, in their order: the directory's mobile or telephoneNumber
// attribute, or the registered one; "" when there is none. The text and
// call methods use it as the email method uses ContactEmails.
func ContactPhone(ctx context.Context, regs Registrations, sources []string, u idp.User, kind string) string {
	for _, src := range sources {
		var n string
		switch src {
		case config.SourceDirectory:
			n = u.Mobile
			if kind == "office" {
				n = u.Phone
			}
		case config.SourceRegistered:
			c, err := ReadContact(ctx, regs, u.ID)
			if err != nil {
				slog.Default().ErrorContext(ctx, "reading a registration failed; using the directory's data", "user", u.ID, "err", err)
			}
			n = c.Mobile
			if kind == "office" {
				n = c.Office
			}
		}
		if n != "" {
			return n
		}
	}
	return ""
}

// FirstPhone returns u's first number of kind ("mobile" or "office") that
// parse accepts, the sources read in order (nil: the directory's, then the
// registered one), so that an unusable directory value (not a number, a
// country not allowed) leaves the registered number in use. The text and
// call methods read numbers through it.
func FirstPhone[T any](ctx context.Context, regs Registrations, sources []string, u idp.User, kind string, parse func(string) (T, error)) (T, bool) {
	if sources == nil {
		sources = []string{config.SourceDirectory, config.SourceRegistered}
	}
	for _, src := range sources {
		if n, err := parse(ContactPhone(ctx, regs, []string{src}, u, kind)); err == nil {
			return n, true
		}
	}
	var zero T
	return zero, false
}
