package store_test

import (
	"encoding/base64"
	"errors"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/store"
)

func TestNewID(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		id := store.NewID()
		raw, err := base64.RawURLEncoding.DecodeString(id)
		if err != nil {
			t.Fatalf("NewID() = %q, not base64url: %v", id, err)
		}
		if len(raw)*8 < 128 {
			t.Fatalf("NewID() = %q carries %d bits, want at least 128", id, len(raw)*8)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestErrExpiredIsNotFound(t *testing.T) {
	tests := []struct {
		err    error
		target error
		want   bool
	}{
		{store.ErrExpired, store.ErrNotFound, true},
		{store.ErrExpired, store.ErrExpired, true},
		{store.ErrNotFound, store.ErrExpired, false},
		{store.ErrConflict, store.ErrNotFound, false},
	}
	for _, tt := range tests {
		if got := errors.Is(tt.err, tt.target); got != tt.want {
			t.Errorf("errors.Is(%v, %v) = %v, want %v", tt.err, tt.target, got, tt.want)
		}
	}
}

func TestCodeResultExhausted(t *testing.T) {
	tests := []struct {
		r    store.CodeResult
		want bool
	}{
		{store.CodeResult{OK: true}, false},
		{store.CodeResult{TriesLeft: 2}, false},
		{store.CodeResult{TriesLeft: 0}, true},
	}
	for _, tt := range tests {
		if got := tt.r.Exhausted(); got != tt.want {
			t.Errorf("%+v.Exhausted() = %v, want %v", tt.r, got, tt.want)
		}
	}
}
