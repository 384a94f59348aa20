package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The committed table must be what `go generate ./policy/internal/fold` writes today.
func TestCommittedTableIsCurrent(t *testing.T) {
	committed, err := os.ReadFile(filepath.Join("..", "fold", "latin_table.go"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := source(build())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, want) {
		t.Error("policy/internal/fold/latin_table.go differs from the generator's output: run go generate ./policy/internal/fold")
	}
}

func TestLookalike(t *testing.T) {
	tests := []struct {
		r    rune
		want byte // 0: not in the table
	}{
		{'а', 'a'}, // Cyrillic small a
		{'С', 'C'}, // Cyrillic capital es
		{'Ι', 'I'}, // Greek capital iota: TR39 says l, folding wants i
		{'ӏ', 'i'}, // Cyrillic small palochka
		{'ν', 'v'}, // Greek small nu
		{'Ꮪ', 'S'}, // Cherokee
		{'к', 0},   // Cyrillic ka looks like no ASCII letter
		{'密', 0},
	}
	for _, tt := range tests {
		got, ok := lookalike(tt.r)
		if !ok {
			got = 0
		}
		if got != tt.want {
			t.Errorf("lookalike(%q) = %q, want %q", tt.r, got, tt.want)
		}
	}
}
