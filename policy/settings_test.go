package policy

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
)

func TestValidate(t *testing.T) {
	many := make([]string, MaxBannedTerms+1)
	for i := range many {
		many[i] = fmt.Sprintf("term%04d", i)
	}
	tests := []struct {
		name string
		cfg  config.PasswordPolicy
		keys []string
	}{
		{"zero is the reference's defaults", config.PasswordPolicy{}, nil},
		{"nist defaults", config.PasswordPolicy{Mode: "nist"}, nil},
		{"nist with a second factor", config.PasswordPolicy{Mode: "nist", SecondFactor: true}, nil},
		{"unknown mode", config.PasswordPolicy{Mode: "strict"}, []string{"mode"}},
		{"negative minimum", config.PasswordPolicy{MinLength: -1}, []string{"min_length"}},
		{"maximum over AD's", config.PasswordPolicy{MaxLength: 300}, []string{"max_length"}},
		{"minimum over maximum", config.PasswordPolicy{MinLength: 40, MaxLength: 30}, []string{"min_length"}},
		{"five kinds asked", config.PasswordPolicy{MinClasses: 5}, []string{"min_classes"}},
		{"strength out of range", config.PasswordPolicy{MinScore: 5}, []string{"min_strength"}},
		{"nist maximum under 64", config.PasswordPolicy{Mode: "nist", MaxLength: 32}, []string{"max_length"}},
		{"nist composition rule", config.PasswordPolicy{Mode: "nist", MinClasses: 3}, []string{"min_classes"}},
		{"nist minimum under 15", config.PasswordPolicy{Mode: "nist", MinLength: 12}, []string{"min_length"}},
		{"nist minimum 8 with a second factor", config.PasswordPolicy{Mode: "nist", MinLength: 8, SecondFactor: true}, nil},
		{"terms of 4 and 16", config.PasswordPolicy{BannedTerms: []string{"acme", "sixteencharacter"}}, nil},
		{"terms too short and too long", config.PasswordPolicy{BannedTerms: []string{"acme", "abc", "seventeencharacte"}}, []string{"banned_terms[1]", "banned_terms[2]"}},
		{"term counted in characters", config.PasswordPolicy{BannedTerms: []string{"e\u0301te\u0301", "été!"}}, []string{"banned_terms[0]"}},
		{"too many terms", config.PasswordPolicy{BannedTerms: many}, []string{"banned_terms"}},
		{"API URL", config.PasswordPolicy{BreachedAPIURL: "ftp://example.test"}, []string{"breached_api_url"}},
		{"every problem at once", config.PasswordPolicy{Mode: "nist", MinLength: 3, MaxLength: 20, MinClasses: 2},
			[]string{"max_length", "min_classes", "min_length"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var keys []string
			for _, p := range Validate(tt.cfg) {
				keys = append(keys, p.Key)
				if !strings.HasPrefix(p.Error(), p.Key+": ") || p.Message == "" {
					t.Errorf("problem %q does not read key: message", p.Error())
				}
			}
			slices.Sort(keys)
			if !slices.Equal(keys, tt.keys) {
				t.Errorf("keys %v, want %v (%v)", keys, tt.keys, Validate(tt.cfg))
			}
		})
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	_, err := New(config.PasswordPolicy{BannedTerms: []string{"abc"}}, "")
	if err == nil || !strings.Contains(err.Error(), "password_policy.banned_terms[0]: ") {
		t.Errorf("error %v, want one naming password_policy.banned_terms[0]", err)
	}
	_, err = New(config.PasswordPolicy{BreachedFile: "/nonexistent/pwned.txt"}, "")
	if err == nil || !strings.Contains(err.Error(), "breached_file") {
		t.Errorf("error %v, want one naming breached_file", err)
	}
}
