package policy

import (
	"fmt"
	"net/url"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/policy/internal/fold"
)

// Modes of the policy.
const (
	// ModeEntra follows the reference: 8 to 256 characters, 3 kinds of
	// characters, banned lists with scoring.
	ModeEntra = "entra"
	// ModeNIST follows NIST SP 800-63B: no composition rules, 15 characters
	// (8 with a second factor), banned lists with scoring.
	ModeNIST = "nist"
)

// Limits of the configuration.
const (
	// MaxBannedTerms is the size limit of the organisation's list.
	MaxBannedTerms = 1000
	// MaxLength is the longest maximum that can be configured: Active
	// Directory refuses longer passwords.
	MaxLength = 256
	// NISTMinMax is the smallest maximum NIST allows.
	NISTMinMax = 64
)

// Problem is one configuration mistake, with the key it is about relative to
// password_policy (for example "banned_terms[3]").
type Problem struct {
	Key     string
	Message string
}

// Error returns "key: message".
func (p Problem) Error() string { return p.Key + ": " + p.Message }

// settings are the rules in force once defaults are applied.
type settings struct {
	mode       string
	minLength  int
	maxLength  int
	minClasses int
	minScore   int
	global     bool
}

// resolve applies the defaults of the mode to the zero fields of cfg.
func resolve(cfg config.PasswordPolicy) settings {
	s := settings{
		mode:       cfg.Mode,
		minLength:  cfg.MinLength,
		maxLength:  cfg.MaxLength,
		minClasses: cfg.MinClasses,
		minScore:   cfg.MinScore,
		global:     cfg.GlobalBanned == nil || *cfg.GlobalBanned,
	}
	if s.mode == "" {
		s.mode = ModeEntra
	}
	if s.maxLength == 0 {
		s.maxLength = MaxLength
	}
	switch s.mode {
	case ModeEntra:
		if s.minLength == 0 {
			s.minLength = 8
		}
		if s.minClasses == 0 {
			s.minClasses = 3
		}
	case ModeNIST:
		if s.minLength == 0 {
			s.minLength = 15
			if cfg.SecondFactor {
				s.minLength = 8
			}
		}
	}
	return s
}

// Validate checks cfg and returns every problem found, keys relative to
// password_policy. It reads no file: New reports a breached file that cannot
// be opened.
func Validate(cfg config.PasswordPolicy) []Problem {
	var ps []Problem
	add := func(key, format string, args ...any) {
		ps = append(ps, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
	}
	s := resolve(cfg)
	switch s.mode {
	case ModeEntra, ModeNIST:
	default:
		add("mode", "%q is not a mode; use %q or %q", cfg.Mode, ModeEntra, ModeNIST)
	}
	if cfg.MinLength < 0 {
		add("min_length", "must not be negative")
	}
	if cfg.MaxLength < 0 || cfg.MaxLength > MaxLength {
		add("max_length", "must be between 1 and %d", MaxLength)
	}
	if s.minLength > s.maxLength {
		add("min_length", "%d is more than max_length %d", s.minLength, s.maxLength)
	}
	if cfg.MinClasses < 0 || cfg.MinClasses > 4 {
		add("min_classes", "must be between 0 and 4")
	}
	if cfg.MinScore < 0 || cfg.MinScore > 4 {
		add("min_strength", "must be between 0 (off) and 4")
	}
	if s.mode == ModeNIST {
		if s.maxLength < NISTMinMax {
			add("max_length", "nist mode needs a maximum of at least %d", NISTMinMax)
		}
		if cfg.MinClasses != 0 {
			add("min_classes", "nist mode has no composition rules; remove it or use mode %q", ModeEntra)
		}
		floor := 15
		if cfg.SecondFactor {
			floor = 8
		}
		if s.minLength < floor {
			add("min_length", "nist mode needs at least %d characters (second_factor: %t)", floor, cfg.SecondFactor)
		}
	}
	if len(cfg.BannedTerms) > MaxBannedTerms {
		add("banned_terms", "%d terms; at most %d", len(cfg.BannedTerms), MaxBannedTerms)
	}
	for i, t := range cfg.BannedTerms {
		if n := fold.Length(t); n < MinTermLength || n > MaxTermLength {
			add(fmt.Sprintf("banned_terms[%d]", i), "%q has %d characters; terms have %d to %d", t, n, MinTermLength, MaxTermLength)
		}
	}
	if cfg.BreachedAPIURL != "" {
		u, err := url.Parse(cfg.BreachedAPIURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			add("breached_api_url", "%q is not an http(s) URL", cfg.BreachedAPIURL)
		}
	}
	return ps
}
