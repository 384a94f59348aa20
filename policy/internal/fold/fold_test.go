package fold

import "testing"

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"P@ssw0rd", "password"},
		{"P@$$W0RD", "password"},
		{"C0ntos0", "contoso"},
		{"Bl@nk", "blank"},
		{"l33t5p34k", "leetspeak"},
		{"7r0ub|e", "trouble"},
		{"!ce", "ice"},
		{"Pässwörd", "password"},
		{"Pa\u0308sswo\u0308rd", "password"},
		{"Ｐａｓｓ", "pass"},
		{"ﬁne", "fine"},
		{"ÉCOLE", "ecole"},
		{"密码", "密码"},
		{"a b\u00a0c", "a b c"},
		{"269", "269"},
		{"Ali\u0441e", "alice"},                            // Cyrillic с
		{"\u0420\u0430\u0455\u0455", "pass"},               // Cyrillic Р, а, ѕ
		{"\u039a\u0399\u03a4\u03a4\u0395\u039d", "kitten"}, // Greek capitals
		{"\u03bf\u03bd\u03b5", "ovε"},                      // Greek ο, ν (looks like v); ε looks like no ASCII letter
		{"\U0001d41a\U0001d41b\U0001d41c", "abc"},          // mathematical bold
		{"Москва", "mocквa"},                               // only the letters that look like Latin ones
		{"Зима", "eимa"},                                   // З looks like 3, which reads as e
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLength(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"password", 8},
		{"\u00e9t\u00e9", 3},   // precomposed
		{"e\u0301te\u0301", 3}, // combining accents compose under NFC
		{"q\u0307", 2},         // no precomposed form: the mark counts
		{"🔑", 1},               // one code point, two UTF-16 units
		{"👩\u200d💻", 3},        // a ZWJ sequence counts each code point
		{"密码", 2},
		{"\u00a0a ", 3},
	}
	for _, tt := range tests {
		if got := Length(tt.in); got != tt.want {
			t.Errorf("Length(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
