package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/frequency"
)

// The committed list must be what `go generate ./policy` writes today.
func TestCommittedListIsCurrent(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "global_banned.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var committed []string
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if !strings.HasPrefix(line, "#") {
			committed = append(committed, line)
		}
	}
	want := build(frequency.FrequencyLists[list], 0)
	if !slices.Equal(committed, want) {
		t.Errorf("policy/global_banned.txt has %d terms, the generator gives %d: run go generate ./policy", len(committed), len(want))
	}
}

func TestBuild(t *testing.T) {
	got := build([]string{"123456", "password", "P@ssw0rd", "abc", "Password", "seventeen-letters", "sixteen-letters!", "dragon"}, 0)
	want := []string{"l2eas6", "password", "sixteen-lettersi", "dragon"}
	if !slices.Equal(got, want) {
		t.Errorf("build = %q, want %q", got, want)
	}
	if got := build([]string{"password", "dragon", "monkey"}, 2); len(got) != 2 {
		t.Errorf("limit 2 kept %d terms", len(got))
	}
	for _, term := range build(frequency.FrequencyLists[list], 0) {
		if n := utf8.RuneCountInString(term); n < minTerm || n > maxTerm {
			t.Errorf("term %q has %d characters", term, n)
		}
	}
}
