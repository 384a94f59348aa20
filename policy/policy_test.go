package policy

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
)

func off() *bool { f := false; return &f }

// codes returns the reason codes of r.
func codes(r Result) []string {
	var cs []string
	for _, x := range r.Reasons {
		cs = append(cs, x.Code)
	}
	return cs
}

type checkCase struct {
	name string
	pw   string
	user Context
	want []string // reason codes; nil means accepted
}

func runChecks(t *testing.T, p *Policy, tests []checkCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := p.Check(context.Background(), tt.pw, tt.user)
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(r); !slices.Equal(got, tt.want) {
				t.Errorf("Check(%q) reasons %v, want %v (score %d, terms %v)", tt.pw, got, tt.want, r.Score, r.Terms)
			}
			if r.OK != (len(tt.want) == 0) {
				t.Errorf("Check(%q).OK = %v with reasons %v", tt.pw, r.OK, r.Reasons)
			}
		})
	}
}

func mustNew(t testing.TB, cfg config.PasswordPolicy, org string) *Policy {
	t.Helper()
	p, err := New(cfg, org)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// The reference's documented examples, with its example lists: the
// organisation bans "contoso", and "blank" is a banned term.
func TestReferenceExamples(t *testing.T) {
	p := mustNew(t, config.PasswordPolicy{GlobalBanned: off(), BannedTerms: []string{"contoso", "blank"}, MinLength: 4, MinClasses: 1}, "")
	runChecks(t, p, []checkCase{
		// contoso + blank + 1 + 2 = 4 points.
		{"two terms and two characters", "C0ntos0Blank12", Context{}, []string{ReasonBanned}},
		// contoso + blank + f + 9 + ! = 5 points.
		{"two terms and three characters", "ContoS0Bl@nkf9!", Context{}, nil},
		// The user's first name as a substring, even written with a look-alike.
		{"first name", "P0l123fb", Context{GivenName: "Pol"}, []string{ReasonContext}},
	})
	fuzzy := mustNew(t, config.PasswordPolicy{GlobalBanned: off(), BannedTerms: []string{"abcdef"}, MinLength: 4, MinClasses: 1}, "")
	runChecks(t, fuzzy, []checkCase{
		{"banned term", "abcdef", Context{}, []string{ReasonBanned}},
		{"one character changed", "abcdeg", Context{}, []string{ReasonBanned}},
		{"one character added", "abcdefg", Context{}, []string{ReasonBanned}},
		{"one character removed", "abcde", Context{}, []string{ReasonBanned}},
		{"one character inserted inside", "abcxdef", Context{}, []string{ReasonBanned}},
		{"two characters changed is another word", "abxdeg", Context{}, nil},
	})
}

func TestScoringBoundary(t *testing.T) {
	p := mustNew(t, config.PasswordPolicy{GlobalBanned: off(), BannedTerms: []string{"kitten", "puppy"}, MinLength: 4, MinClasses: 1}, "")
	tests := []struct {
		pw    string
		score int
	}{
		{"kittenpuppy", 2},
		{"kittenpuppyab", 4},
		{"kittenpuppyabc", 5},
		{"kittenpuppyq", 3},
		{"k1tt3nPuppy!?", 4},  // look-alikes still fold to the terms
		{"k1tt3nPuppy!?x", 5}, // one more character reaches 5
		{"kiten-pupy-XY", 6},  // each term one deletion away; '-' counts
		{"abcd", 4},           // short and clean: 4 characters
		{"xkittenxpuppyx", 5}, // a character around a term counts on its own
		{"kitXtenpuppyzz", 4}, // one character inserted inside a term
		{"kittenkittenab", 4}, // the same term twice counts twice
	}
	for _, tt := range tests {
		r, err := p.Check(context.Background(), tt.pw, Context{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Score != tt.score {
			t.Errorf("%q: score %d, want %d (terms %v)", tt.pw, r.Score, tt.score, r.Terms)
		}
		if banned := slices.Contains(codes(r), ReasonBanned); banned != (tt.score < PassScore) {
			t.Errorf("%q: score %d, refused as banned: %v", tt.pw, tt.score, banned)
		}
	}
}

func TestGlobalList(t *testing.T) {
	p := mustNew(t, config.PasswordPolicy{}, "")
	runChecks(t, p, []checkCase{
		{"most common", "Password1!", Context{}, []string{ReasonBanned}},
		{"l33t", "P@55w0rd123", Context{}, []string{ReasonBanned}},
		{"l33t and symbols", "P@$$w0rd!!", Context{}, []string{ReasonBanned}},
		{"edit distance 1", "Passwird123", Context{}, []string{ReasonBanned}},
		{"keyboard walk", "Qwerty123!", Context{}, []string{ReasonBanned}},
		{"season and year", "Summer2026!", Context{}, []string{ReasonBanned}},
		{"common word and digits", "Welcome123!", Context{}, []string{ReasonBanned}},
		{"dragon variants", "Dr@g0nDr@g0n1", Context{}, []string{ReasonBanned}},
		{"iloveyou", "1L0veY0u!!", Context{}, []string{ReasonBanned}},
		{"random", "xK9#mQ2$vL", Context{}, nil},
		{"words and symbols", "Correct-Horse-Battery-Staple-9", Context{}, nil},
		{"unrelated words", "zebra-quantum-42-Lantern", Context{}, nil},
	})
}

func TestContextWords(t *testing.T) {
	jane := Context{Username: "EXAMPLE\\jdoe", GivenName: "Jane", Surname: "O'Donnell-Smith", DisplayName: "Jane O'Donnell-Smith", Email: "jane.odonnell@example.test"}
	p := mustNew(t, config.PasswordPolicy{}, "Acme Widgets")
	runChecks(t, p, []checkCase{
		{"organisation and year", "Acme2026!", Context{}, []string{ReasonContext}},
		{"organisation in l33t", "@cm3-R0cks-9x", Context{}, []string{ReasonContext}},
		{"organisation words joined", "acmewidgets#7Q", Context{}, []string{ReasonContext}},
		{"username", "Xy!jdoe-4471", jane, []string{ReasonContext}},
		{"given name", "Qz#8JaNe-77tk", jane, []string{ReasonContext}},
		{"part of the surname", "Smith&Kv93!x", jane, []string{ReasonContext}},
		{"other part of the surname", "Kv93!xDonnell", jane, []string{ReasonContext}},
		{"e-mail local part", "Kv93!xodonnell", jane, []string{ReasonContext}},
		{"nothing of hers", "Kv93!xTrq#pl", jane, nil},
		{"names of someone else", "Kv93!xTrq#pl", Context{GivenName: "Pol"}, nil},
	})
}

func TestLength(t *testing.T) {
	entra := mustNew(t, config.PasswordPolicy{}, "")
	nist := mustNew(t, config.PasswordPolicy{Mode: ModeNIST}, "")
	nistMFA := mustNew(t, config.PasswordPolicy{Mode: ModeNIST, SecondFactor: true, MaxLength: 64}, "")
	base := "Kv93!xTrq#plmZ8w" // 16 characters, no banned term
	tests := []struct {
		p    *Policy
		name string
		pw   string
		want []string
	}{
		{entra, "entra 7", base[:7], []string{ReasonTooShort}},
		{entra, "entra 8", base[:8], nil},
		{nist, "nist 14", base[:14], []string{ReasonTooShort}},
		{nist, "nist 15", base[:15], nil},
		{nistMFA, "nist with second factor 7", base[:7], []string{ReasonTooShort}},
		{nistMFA, "nist with second factor 8", base[:8], nil},
		{nistMFA, "nist 64", strings.Repeat(base, 4), nil},
		{nistMFA, "nist 65 refused, not cut", strings.Repeat(base, 4) + "x", []string{ReasonTooLong}},
		{entra, "entra 128", strings.Repeat(base, 8), nil},
		{entra, "entra 256", strings.Repeat(base, 16), nil},
		{entra, "entra 257 refused, not cut", strings.Repeat(base, 16) + "x", []string{ReasonTooLong}},
		{entra, "a megabyte refused", strings.Repeat(base, 1<<16), []string{ReasonTooLong}},
		{entra, "256 decomposed characters are not too long", strings.Repeat("e\u0301", 256), []string{ReasonClasses}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.p.Check(context.Background(), tt.pw, Context{})
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(r); !slices.Equal(got, tt.want) {
				t.Errorf("%d characters: reasons %v, want %v (terms %v)", len(tt.pw), got, tt.want, r.Terms)
			}
		})
	}
}

func TestNISTPassphrases(t *testing.T) {
	p := mustNew(t, config.PasswordPolicy{Mode: ModeNIST}, "Example")
	runChecks(t, p, []checkCase{
		{"lowercase passphrase", "correcthorsebatterystaple", Context{}, nil},
		{"sentence with spaces", "the quiet river remembers every stone", Context{}, nil},
		{"french sentence", "il faut cultiver notre jardin", Context{}, nil},
		{"long lowercase", "violet lanterns drift over harbour towns at dusk", Context{}, nil},
		{"no composition rule", "kv93xtrqplmzwbhn", Context{}, nil},
		{"long but common", "passwordpassword", Context{}, []string{ReasonBanned}},
		{"long but repeated", "aaaaaaaaaaaaaaaa", Context{}, []string{ReasonBanned}},
		{"long but the organisation", "example-is-where-i-work", Context{}, []string{ReasonContext}},
		{"short", "shortphrase", Context{}, []string{ReasonTooShort}},
	})
}

func TestClasses(t *testing.T) {
	p := mustNew(t, config.PasswordPolicy{}, "")
	runChecks(t, p, []checkCase{
		{"lower only", "kvxtrqplmzwb", Context{}, []string{ReasonClasses}},
		{"lower and digits", "kv93xtrqplmz", Context{}, []string{ReasonClasses}},
		{"lower digits upper", "Kv93xTrqplmz", Context{}, nil},
		{"lower upper symbol", "Kv#xTrq!plmz", Context{}, nil},
		{"space is a symbol", "Kv xTrq plmz", Context{}, nil},
		{"letters without case count as a kind", "密码kvxt93zqw", Context{}, nil},
		{"a combining accent is no symbol", "kvxe\u0301trqplmz9", Context{}, []string{ReasonClasses}},
		{"a precomposed accent is no symbol either", "kvx\u00e9trqplmz9", Context{}, []string{ReasonClasses}},
	})
}

func TestUnicode(t *testing.T) {
	entra := mustNew(t, config.PasswordPolicy{MinClasses: 1}, "")
	composed := "Kv9\u00e9Trq\u00e9" // é precomposed: 8 characters
	decomposed := "Kv9e\u0301Trqe\u0301"
	runChecks(t, entra, []checkCase{
		{"precomposed é counts 1", composed, Context{}, nil},
		{"combining é counts 1 too", decomposed, Context{}, nil},
		{"combining é, 7 characters", "Kv9e\u0301Trq", Context{}, []string{ReasonTooShort}},
		{"emoji, one character each", "🔑🐉🌍🎲🍀🚲🎷🦊", Context{}, nil},
		{"emoji, 7", "🔑🐉🌍🎲🍀🚲🎷", Context{}, []string{ReasonTooShort}},
		{"CJK", "密码安全很重要的", Context{}, nil},
		{"NBSP and spaces around", " Kv9\u00a0Trq#pl ", Context{}, nil},
		{"accents do not hide a term", "Pässwörd123!", Context{}, []string{ReasonBanned}},
		{"fullwidth letters fold too", "Ｐａｓｓｗｏｒｄ", Context{}, []string{ReasonBanned}},
		{"invalid UTF-8", "Kv93xTrq\xffplmz", Context{}, []string{ReasonInvalid}},
	})
}

// Characters a user cannot see or type again are refused with their own reason.
func TestControlCharacters(t *testing.T) {
	p := mustNew(t, config.PasswordPolicy{}, "")
	var tests []checkCase
	for r := rune(0); r < 0x20; r++ {
		tests = append(tests, checkCase{fmt.Sprintf("U+%04X", r), "Kv93xTrq" + string(r) + "plmz", Context{}, []string{ReasonControl}})
	}
	for _, r := range []rune{0x7f, 0x85, 0x9f, 0x200e, 0x200f, 0x061c, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029} {
		tests = append(tests, checkCase{fmt.Sprintf("U+%04X", r), "Kv93xTrq" + string(r) + "plmz", Context{}, []string{ReasonControl}})
	}
	tests = append(tests,
		// "Kv93x" then, shown reversed, "zmlpqrT": the page would show another password.
		checkCase{"right-to-left override hides the order", "Kv93x\u202eTrqplmz", Context{}, []string{ReasonControl}},
		checkCase{"a short one is refused for the characters first", "\u202eab", Context{}, []string{ReasonControl}},
		checkCase{"zero-width joiner in an emoji is kept", "Kv93x👩\u200d💻Trq", Context{}, nil},
		checkCase{"Arabic and Hebrew letters are no controls", "Kv93xשלוםمرحبا", Context{}, nil},
	)
	runChecks(t, p, tests)
}

// Letters of other scripts that look like Latin ones do not hide a name, the
// organisation's name or a banned term.
func TestLookAlikes(t *testing.T) {
	alice := Context{GivenName: "Alice", Surname: "Martin"}
	p := mustNew(t, config.PasswordPolicy{}, "Contoso")
	runChecks(t, p, []checkCase{
		{"name with Cyrillic с", "Ali\u0441e-Kv93#xq", alice, []string{ReasonContext}},
		{"name with Cyrillic А and е", "\u0410lic\u0435-Kv93#xq", alice, []string{ReasonContext}},
		{"name with Greek capital Ι for i", "AL\u0399CE-Kv93#xq", alice, []string{ReasonContext}},
		{"name written in look-alikes by the directory", "Alice-Kv93#xq", Context{GivenName: "\u0410li\u0441e"}, []string{ReasonContext}},
		{"organisation with Greek Ο and Cyrillic о", "C\u039fnt\u043eso-Kv93#xq", Context{}, []string{ReasonContext}},
		{"organisation in mathematical bold", "\U0001d402\U0001d428\U0001d427\U0001d42d\U0001d428\U0001d42c\U0001d428-Kv93#", Context{}, []string{ReasonContext}},
		{"common password with Cyrillic р, а, о", "\u0420\u0430ssw\u043erd123!", Context{}, []string{ReasonBanned}},
		{"Russian words stay Russian", "Москва-Зима-2026", alice, nil},
	})
}

func TestLengthLimits(t *testing.T) {
	tests := []struct {
		cfg      config.PasswordPolicy
		min, max int
	}{
		{config.PasswordPolicy{}, 8, 256},
		{config.PasswordPolicy{Mode: ModeNIST}, 15, 256},
		{config.PasswordPolicy{Mode: ModeNIST, SecondFactor: true, MaxLength: 64}, 8, 64},
		{config.PasswordPolicy{MinLength: 12, MaxLength: 128}, 12, 128},
	}
	for _, tt := range tests {
		min, max := mustNew(t, tt.cfg, "").Length()
		if min != tt.min || max != tt.max {
			t.Errorf("%+v: Length() = %d, %d; want %d, %d", tt.cfg, min, max, tt.min, tt.max)
		}
	}
}
