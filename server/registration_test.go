package server

import "testing"

func TestInternationalNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+44 7911 123456", "+447911123456"},
		{"+33 6 12 34 56 78", "+33612345678"},
		{"+1 (202) 555-0143", "+12025550143"},
		{"07911 123456", ""}, // national: no country code
		{"+44 12", ""},
		{"call me", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := internationalNumber(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("internationalNumber(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
