package phone

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// Errors of Parse.
var (
	// ErrInvalid means the text is not a valid phone number.
	ErrInvalid = errors.New("phone: not a valid phone number")
	// ErrCountry means the number is valid but its country is not allowed.
	ErrCountry = errors.New("phone: country not allowed")
)

// maxInput bounds the text Parse looks at; a phone number is much shorter.
const maxInput = 64

// Number is a valid phone number in E.164 form ("+14155550101") with its
// region ("US").
type Number struct {
	E164   string
	Region string
}

// Parser parses numbers written as people write them on the account:
// international ("+44 20 7946 0958") or national in DefaultRegion
// ("(415) 555-0101").
type Parser struct {
	// DefaultRegion is the ISO 3166 region of numbers written without a
	// country code ("US"); empty means such numbers are refused.
	DefaultRegion string
	// Allowed lists the regions numbers may belong to; empty allows all.
	Allowed []string
}

// NewParser returns the parser of the configuration's phone section; nil
// (no section) parses international numbers only, of every country.
func NewParser(c *config.Phone) Parser {
	if c == nil {
		return Parser{}
	}
	return Parser{DefaultRegion: c.DefaultRegion, Allowed: c.AllowedCountries}
}

// Parse validates s and returns it in E.164 form: ErrInvalid or ErrCountry.
func (p Parser) Parse(s string) (Number, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxInput {
		return Number{}, ErrInvalid
	}
	region := strings.ToUpper(p.DefaultRegion)
	if region == "" {
		region = "ZZ" // unknown: only international numbers parse
	}
	n, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return Number{}, ErrInvalid
	}
	r := phonenumbers.GetRegionCodeForNumber(n)
	if len(p.Allowed) > 0 && !slices.ContainsFunc(p.Allowed, func(a string) bool { return strings.EqualFold(a, r) }) {
		return Number{}, fmt.Errorf("%w: %s", ErrCountry, r)
	}
	return Number{E164: phonenumbers.Format(n, phonenumbers.E164), Region: r}, nil
}

// Matches reports whether typed, as the user wrote it, is the number n. Both
// sides are compared in E.164 form (so "+1 415 555 0101" and "(415)
// 555-0101" in the US both match), in constant time; anything that does
// not parse matches nothing. The allowed countries do not apply to typed.
func (p Parser) Matches(typed string, n Number) bool {
	t, err := Parser{DefaultRegion: p.DefaultRegion}.Parse(typed)
	want := n.E164
	got := t.E164
	if err != nil {
		got = ""
	}
	// Compare equal lengths so that the length does not show either.
	const width = 20
	a, b := pad(got, width), pad(want, width)
	return subtle.ConstantTimeCompare(a, b) == 1 && err == nil && want != ""
}

func pad(s string, n int) []byte {
	b := make([]byte, max(n, len(s)))
	copy(b, s)
	return b
}

// MaskTail shows the last two digits of a number only: "+*********78"; a
// value of four characters or fewer is "***". It takes any text (a
// directory value need not parse), as the call method's log and the
// Security info page show it.
func MaskTail(number string) string {
	if len(number) <= 4 {
		return "***"
	}
	return "+" + strings.Repeat("*", len(number)-3) + number[len(number)-2:]
}

// Mask shows the country code and the last two digits only, grouped so
// that the owner recognises the shape: "+14155550101" is
// "+1 ••• ••• ••01".
func Mask(n Number) string {
	e := n.E164
	if len(e) < 5 || e[0] != '+' {
		return "•••"
	}
	pn, err := phonenumbers.Parse(e, "ZZ")
	cc := ""
	if err == nil {
		cc = fmt.Sprint(pn.GetCountryCode())
	}
	rest := e[1+len(cc):]
	if cc == "" || len(rest) < 3 {
		return "•••"
	}
	hidden := len(rest) - 2
	var b strings.Builder
	b.WriteString("+" + cc + " ")
	for i := range hidden {
		if i > 0 && i%3 == 0 {
			b.WriteString(" ")
		}
		b.WriteString("•")
	}
	b.WriteString(rest[hidden:])
	return b.String()
}

// String is the masked number, so that a Number in a log line or an error
// never shows in full.
func (n Number) String() string { return Mask(n) }

// LogValue masks the number in structured logs too.
func (n Number) LogValue() slog.Value { return slog.StringValue(Mask(n)) }
