package policy

import "fmt"

// The words a user reads about the policy are not kept here: they live in the
// same message catalogues as the pages (templates/files/locales/*.toml), as
// policy.reason.CODE and policy.rule.CODE, so that an operator's language
// file translates them as it translates everything else. The policy gives
// message IDs and the values they take.

// Rule codes, in the order Rules lists them.
const (
	RuleLength   = "length"   // Min and Max are the bounds, in characters
	RuleClasses  = "classes"  // Min is the number of kinds of characters needed
	RuleBanned   = "banned"   // no common password, no name
	RuleBreached = "breached" // not seen in breaches
	RuleStrength = "strength" // Min is the minimum strength
)

var (
	reasonCodes = []string{ReasonInvalid, ReasonControl, ReasonTooShort, ReasonTooLong, ReasonClasses,
		ReasonBanned, ReasonContext, ReasonBreached, ReasonWeak}
	ruleCodes = []string{RuleLength, RuleClasses, RuleBanned, RuleBreached, RuleStrength}
)

// MessageID returns the catalogue message that tells the user about r.
func (r Reason) MessageID() string { return "policy.reason." + r.Code }

// Args returns the values r's message may use, as name, value pairs: N.
func (r Reason) Args() []any { return []any{"N", r.N} }

// Rule is one rule in force, for a page to list next to the password field.
type Rule struct {
	Code string
	// Min and Max are the numbers the rule is about (see the Rule constants).
	Min, Max int
}

// MessageID returns the catalogue message that states r.
func (r Rule) MessageID() string { return "policy.rule." + r.Code }

// Args returns the values r's message may use, as name, value pairs: Min and Max.
func (r Rule) Args() []any { return []any{"Min", r.Min, "Max", r.Max} }

// MessageIDs returns every catalogue message a Reason or a Rule may ask for,
// so that a test can hold the catalogues to them.
func MessageIDs() []string {
	var ids []string
	for _, c := range reasonCodes {
		ids = append(ids, Reason{Code: c}.MessageID())
	}
	for _, c := range ruleCodes {
		ids = append(ids, Rule{Code: c}.MessageID())
	}
	return ids
}

// Rules returns the rules in force, for the page to show next to the
// password field.
func (p *Policy) Rules() []Rule {
	rs := []Rule{{Code: RuleLength, Min: p.s.minLength, Max: p.s.maxLength}}
	if p.s.minClasses > 0 {
		rs = append(rs, Rule{Code: RuleClasses, Min: p.s.minClasses})
	}
	rs = append(rs, Rule{Code: RuleBanned})
	if len(p.breached) > 0 {
		rs = append(rs, Rule{Code: RuleBreached})
	}
	if p.s.minScore > 0 {
		rs = append(rs, Rule{Code: RuleStrength, Min: p.s.minScore})
	}
	return rs
}

// Say returns catalogue message id in the reader's language, given the
// values it may use as name, value pairs; templates.Set.Message bound to a
// language is one.
type Say func(id string, args ...any) (string, error)

// sentence returns the text of a message, or an error naming it.
func (say Say) sentence(id string, args []any) (string, error) {
	s, err := say(id, args...)
	if err != nil {
		return "", fmt.Errorf("policy: message %s: %w", id, err)
	}
	return s, nil
}
