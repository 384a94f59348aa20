package registration_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/registration"
)

func key(id string, b byte) registration.Key {
	return registration.Key{ID: id, Key: bytes.Repeat([]byte{b}, 32)}
}

func keyring(t *testing.T, keys ...registration.Key) *registration.Keyring {
	t.Helper()
	kr, err := registration.NewKeyring(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func TestSealOpenRoundTrip(t *testing.T) {
	kr := keyring(t, key("k1", 1))
	plain := []byte(`{"contact":{"emails":["alice@example.org"]}}`)
	sealed := kr.Seal("user\x00alice", plain)
	if bytes.Contains(sealed, []byte("alice@example.org")) {
		t.Fatalf("the sealed document shows the address in clear: %q", sealed)
	}
	if again := kr.Seal("user\x00alice", plain); bytes.Equal(again, sealed) {
		t.Error("two seals of the same document are equal: the nonce is not random")
	}
	got, id, err := kr.Open("user\x00alice", sealed)
	if err != nil || id != "k1" || !bytes.Equal(got, plain) {
		t.Fatalf("Open() = %q, %q, %v; want the document under k1", got, id, err)
	}
}

func TestOpenRefuses(t *testing.T) {
	kr := keyring(t, key("k1", 1))
	sealed := kr.Seal("user\x00alice", []byte("{}"))
	flip := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 1
		return c
	}
	tests := []struct {
		name   string
		kr     *registration.Keyring
		aad    string
		sealed []byte
		want   error
	}{
		{"another user", kr, "user\x00bob", sealed, registration.ErrTampered},
		{"ciphertext changed", kr, "user\x00alice", flip(len(sealed) - 20), registration.ErrTampered},
		{"tag changed", kr, "user\x00alice", flip(len(sealed) - 1), registration.ErrTampered},
		{"nonce changed", kr, "user\x00alice", flip(len("FDR1") + 3), registration.ErrTampered},
		{"truncated", kr, "user\x00alice", sealed[:20], registration.ErrFormat},
		{"not sealed", kr, "user\x00alice", []byte(`{"contact":{}}`), registration.ErrFormat},
		{"key removed", keyring(t, key("k2", 2)), "user\x00alice", sealed, registration.ErrUnknownKey},
		{"other key under the same ID", keyring(t, key("k1", 9)), "user\x00alice", sealed, registration.ErrTampered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _, err := tt.kr.Open(tt.aad, tt.sealed); !errors.Is(err, tt.want) {
				t.Errorf("Open() = %q, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	old := keyring(t, key("2025", 1))
	sealed := old.Seal("user\x00alice", []byte(`{"a":1}`))
	rotated := keyring(t, key("2026", 2), key("2025", 1))
	if got, id, err := rotated.Open("user\x00alice", sealed); err != nil || id != "2025" || string(got) != `{"a":1}` {
		t.Fatalf("Open(old document) after rotation = %q, %q, %v", got, id, err)
	}
	resealed := rotated.Seal("user\x00alice", []byte(`{"a":1}`))
	if _, id, err := rotated.Open("user\x00alice", resealed); err != nil || id != "2026" {
		t.Fatalf("a new seal opened with %q, %v; want the first key, 2026", id, err)
	}
	if _, _, err := old.Open("user\x00alice", resealed); !errors.Is(err, registration.ErrUnknownKey) {
		t.Errorf("the old keyring opened a document sealed with the new key: %v", err)
	}
}

func TestNewKeyringRefuses(t *testing.T) {
	tests := map[string][]registration.Key{
		"none":      nil,
		"short key": {{ID: "a", Key: make([]byte, 16)}},
		"no ID":     {{Key: make([]byte, 32)}},
		"same ID":   {key("a", 1), key("a", 2)},
	}
	for name, keys := range tests {
		if _, err := registration.NewKeyring(keys...); err == nil {
			t.Errorf("NewKeyring(%s) = nil error", name)
		}
	}
}

// FuzzOpen: Open reads stored bytes, which a database administrator or an
// attacker with write access may have changed; it must refuse them
// cleanly, never panic, and never open what it did not seal.
func FuzzOpen(f *testing.F) {
	kr, _ := registration.NewKeyring(key("k1", 1), key("k0", 2))
	f.Add(kr.Seal("user\x00alice", []byte(`{"contact":{}}`)))
	f.Add([]byte("FDR1\x02k1"))
	f.Add([]byte("FDR1\xffk1"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		plain, _, err := kr.Open("user\x00alice", data)
		if err == nil && string(plain) != `{"contact":{}}` {
			t.Errorf("Open() accepted %q as %q", data, plain)
		}
	})
}
