package policy

import (
	"slices"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
)

func TestRules(t *testing.T) {
	tests := []struct {
		name string
		cfg  config.PasswordPolicy
		want []Rule
	}{
		{"defaults", config.PasswordPolicy{}, []Rule{
			{Code: RuleLength, Min: 8, Max: 256}, {Code: RuleClasses, Min: 3}, {Code: RuleBanned}}},
		{"nist with strength", config.PasswordPolicy{Mode: ModeNIST, MaxLength: 64, MinScore: 3}, []Rule{
			{Code: RuleLength, Min: 15, Max: 64}, {Code: RuleBanned}, {Code: RuleStrength, Min: 3}}},
	}
	for _, tt := range tests {
		if got := mustNew(t, tt.cfg, "").Rules(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Rules() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMessageIDs(t *testing.T) {
	ids := MessageIDs()
	for _, want := range []string{"policy.reason.control", "policy.reason.too_short", "policy.rule.length", "policy.rule.strength"} {
		if !slices.Contains(ids, want) {
			t.Errorf("MessageIDs() lacks %q: %v", want, ids)
		}
	}
	if got := (Reason{Code: ReasonTooShort, N: 12}).Args(); !slices.Equal(got, []any{"N", 12}) {
		t.Errorf("Reason.Args() = %v", got)
	}
	if got := (Rule{Code: RuleLength, Min: 8, Max: 256}).Args(); !slices.Equal(got, []any{"Min", 8, "Max", 256}) {
		t.Errorf("Rule.Args() = %v", got)
	}
}
