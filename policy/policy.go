package policy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/policy/breached"
	"github.com/frontdoor-sspr/frontdoor/policy/internal/fold"
	"github.com/frontdoor-sspr/frontdoor/policy/internal/zxtables"
	"golang.org/x/text/unicode/norm"
)

// Reason codes: why a password was refused.
const (
	ReasonInvalid  = "invalid"   // not valid UTF-8
	ReasonControl  = "control"   // control, bidirectional or line-separator characters
	ReasonTooShort = "too_short" // N is the minimum length
	ReasonTooLong  = "too_long"  // N is the maximum length
	ReasonClasses  = "classes"   // N is the number of kinds of characters needed
	ReasonBanned   = "banned"    // common password or organisation term; N is the score
	ReasonContext  = "context"   // contains the user's or the organisation's name
	ReasonBreached = "breached"  // seen in breaches; N is the count
	ReasonWeak     = "weak"      // strength below min_strength; N is the minimum
)

// maxCharBytes bounds the UTF-8 bytes of one character after NFC: a base
// and the few marks that compose with it into one code point.
const maxCharBytes = 32

// PassScore is the score a password needs against the banned lists: each
// banned term found counts 1, each other character 1.
const PassScore = 5

// Reason is one rule a password broke.
type Reason struct {
	Code string
	// N is the number the rule is about (see the Reason constants).
	N int
}

// Result is the verdict on a password. A refusal is a result, not an error.
type Result struct {
	OK      bool
	Reasons []Reason
	// Score is the password's points against the banned lists (see PassScore).
	Score int
	// Terms are the folded banned and context terms found in the password.
	// They are fragments of the password: show them to the admin who runs
	// check-password, never log them.
	Terms []string
	// Strength is the zxcvbn-style score 0-4, or -1 when min_strength is off.
	Strength int
}

// Policy checks passwords against the configured rules. It is safe for
// concurrent use.
type Policy struct {
	s        settings
	global   *index
	org      *index
	orgWords []string
	breached []breached.Source
	closers  []func() error
}

// New builds the policy for cfg; org is the organisation's name, banned as a
// substring. It loads the global banned list (once per process) and opens the
// breached file when one is configured.
func New(cfg config.PasswordPolicy, org string) (*Policy, error) {
	if ps := Validate(cfg); len(ps) > 0 {
		errs := make([]error, len(ps))
		for i, p := range ps {
			errs[i] = fmt.Errorf("password_policy.%w", p)
		}
		return nil, errors.Join(errs...)
	}
	p := &Policy{s: resolve(cfg), orgWords: orgWords(org)}
	if p.s.minScore > 0 {
		if zxtables.Released() {
			return nil, errors.New("policy: min_strength is on, but the strength estimate's word lists were released at start")
		}
		zxtables.Load() // at start rather than in the first user's request
	}
	if p.s.global {
		ix, err := global()
		if err != nil {
			return nil, err
		}
		p.global = ix
	}
	if len(cfg.BannedTerms) > 0 {
		ix, err := newIndex(foldTerms(cfg.BannedTerms))
		if err != nil {
			return nil, fmt.Errorf("policy: password_policy.banned_terms: %w", err)
		}
		p.org = ix
	}
	if cfg.BreachedFile != "" {
		f, err := breached.Open(cfg.BreachedFile)
		if err != nil {
			return nil, fmt.Errorf("policy: password_policy.breached_file: %w", err)
		}
		p.breached = append(p.breached, f)
		p.closers = append(p.closers, f.Close)
	}
	if cfg.BreachedAPIURL != "" {
		p.breached = append(p.breached, &breached.API{
			BaseURL:   cfg.BreachedAPIURL,
			Client:    &http.Client{Timeout: 5 * time.Second},
			UserAgent: "frontdoor",
		})
	}
	return p, nil
}

// Length returns the shortest and longest passwords accepted, in characters.
// A page must not copy the maximum into the field's maxlength attribute:
// browsers count UTF-16 units there and cut what is typed beyond it.
func (p *Policy) Length() (min, max int) { return p.s.minLength, p.s.maxLength }

// Close releases the breached file.
func (p *Policy) Close() error {
	var errs []error
	for _, c := range p.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// Check tells whether pw may be set for the user described by u. The error is
// non-nil only when a breached-password source could not be consulted; the
// Result then holds the verdict of every other rule, and the caller decides
// whether to accept the password (fail open) or to refuse it.
func (p *Policy) Check(ctx context.Context, pw string, u Context) (Result, error) {
	r := Result{Strength: -1}
	refuse := func(code string, n int) { r.Reasons = append(r.Reasons, Reason{Code: code, N: n}) }
	if !utf8.ValidString(pw) {
		refuse(ReasonInvalid, 0)
		return r, nil
	}
	if strings.ContainsFunc(pw, unusable) {
		refuse(ReasonControl, 0)
		return r, nil
	}
	// No character is written with more than maxCharBytes bytes, even
	// decomposed, so a longer input is refused before it is normalised.
	n := p.s.maxLength + 1
	if len(pw) <= maxCharBytes*p.s.maxLength {
		n = fold.Length(pw)
	}
	if n > p.s.maxLength {
		// Never cut: refuse, and spare the costlier rules the long input.
		refuse(ReasonTooLong, p.s.maxLength)
		return r, nil
	}
	if n < p.s.minLength {
		refuse(ReasonTooShort, p.s.minLength)
	}
	if p.s.minClasses > 0 && classes(norm.NFC.String(pw)) < p.s.minClasses {
		refuse(ReasonClasses, p.s.minClasses)
	}
	folded := []rune(fold.Fold(pw))
	if found := p.contextTerms(string(folded), u); len(found) > 0 {
		r.Terms = append(r.Terms, found...)
		refuse(ReasonContext, 0)
	}
	var terms []string
	r.Score, terms = score(folded, p.global, p.org)
	r.Terms = append(r.Terms, terms...)
	if r.Score < PassScore {
		refuse(ReasonBanned, r.Score)
	}
	if p.s.minScore > 0 {
		r.Strength = strength(pw, u, p.orgWords)
		if r.Strength < p.s.minScore {
			refuse(ReasonWeak, p.s.minScore)
		}
	}
	var err error
	if len(r.Reasons) == 0 {
		// Asked only for an otherwise acceptable password, so that a refused
		// one costs no lookup and sends no prefix.
		err = p.checkBreached(ctx, pw, refuse)
	}
	r.OK = len(r.Reasons) == 0
	return r, err
}

func (p *Policy) checkBreached(ctx context.Context, pw string, refuse func(string, int)) error {
	var errs []error
	for _, src := range p.breached {
		n, err := src.Count(ctx, pw)
		if err == nil && n == 0 && !norm.NFC.IsNormalString(pw) {
			// The corpus hashes what people typed; a decomposed form may be there as composed.
			n, err = src.Count(ctx, norm.NFC.String(pw))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("policy: breached check: %w", err))
			continue
		}
		if n > 0 {
			refuse(ReasonBreached, n)
			return nil
		}
	}
	return errors.Join(errs...)
}

// contextTerms returns the user's and the organisation's words found in the
// folded password.
func (p *Policy) contextTerms(folded string, u Context) []string {
	var found []string
	for _, w := range append(u.words(), p.orgWords...) {
		if strings.Contains(folded, w) {
			found = append(found, w)
		}
	}
	return found
}

// unusable tells whether r has no place in a password: control characters
// (C0, DEL, C1: the user cannot type them again at a sign-in page), the
// bidirectional controls (U+200E, U+202A-202E, U+2066-2069...: they reorder
// what the user sees, so the password shown is not the one typed) and the
// line and paragraph separators.
func unusable(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Bidi_Control, unicode.Zl, unicode.Zp)
}

// classes counts the kinds of characters in pw: upper case, lower case,
// digits, symbols (anything else), and, as Active Directory counts them,
// letters without case (for example CJK). Combining marks belong to the
// letter they modify and count as no kind of their own.
func classes(pw string) int {
	var upper, lower, digit, symbol, uncased bool
	for _, r := range pw {
		switch {
		case unicode.IsMark(r):
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsLetter(r):
			uncased = true
		default:
			symbol = true
		}
	}
	n := 0
	for _, b := range []bool{upper, lower, digit, symbol, uncased} {
		if b {
			n++
		}
	}
	return n
}
