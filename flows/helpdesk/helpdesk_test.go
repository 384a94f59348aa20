package helpdesk

import (
	"regexp"
	"testing"
)

func TestNewReference(t *testing.T) {
	format := regexp.MustCompile(`^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{4}$`)
	seen := map[string]bool{}
	for range 1000 {
		ref := NewReference()
		if !format.MatchString(ref) {
			t.Fatalf("reference %q is not four and four unambiguous upper-case characters", ref)
		}
		if seen[ref] {
			t.Fatalf("reference %q came twice in 1000", ref)
		}
		seen[ref] = true
	}
}

func TestCleanMessage(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello", "hello"},
		{"CRLF and CR become LF", "a\r\nb\rc", "a\nb\nc"},
		{"tabs kept", "a\tb", "a\tb"},
		{"controls dropped", "a\x00b\x1bc\x7fd\u0085e", "abcde"},
		{"trailing space trimmed", "hi  \n\n", "hi"},
		{"markup kept as text", "<b>x</b> & y", "<b>x</b> & y"},
		{"composed", "e\u0301", "é"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanMessage(tt.in); got != tt.want {
				t.Fatalf("cleanMessage(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}
