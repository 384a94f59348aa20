package questions

import "testing"

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Paris", "paris"},
		{"  Rue   de la\tPAIX \n", "rue de la paix"},
		{"ＰＡＲＩＳ", "paris"},            // fullwidth
		{"Stra\u00dfe", "strasse"},    // case folding, not just lowering
		{"e\u0301cole", "\u00e9cole"}, // composed
		{"ﬁsh", "fish"},               // ligature
		{"a\u00a0b\u3000c", "a b c"},  // odd spaces
		{"ΣΊΣΥΦΟΣ", "σίσυφοσ"},
	}
	for _, c := range cases {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	valid := map[string]bool{"ab": false, "abc": true, "a\x07c": false, "\xffabc": false}
	for a, want := range valid {
		if got := validAnswer(Normalize(a)); got != want {
			t.Errorf("validAnswer(%q) = %v, want %v", a, got, want)
		}
	}
}
