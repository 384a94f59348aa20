package gate

import (
	"strings"
	"testing"
)

// Typed user IDs are folded as the directory folds them before any key is
// made, and an ID that matched no account is kept only as a keyed digest.
func TestUnknownKeys(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	dave := UnknownKey(secret, NormalizeLogin("dave"))
	for _, typed := range []string{"ｄａｖｅ", " DAVE ", "Dave\u00a0", "\u2003dave"} {
		if got := UnknownKey(secret, NormalizeLogin(typed)); got != dave {
			t.Errorf("%q keys as %s, dave as %s", typed, got, dave)
		}
	}
	typedPassword := "Hunter2-Summer-2026!"
	key := UnknownKey(secret, NormalizeLogin(typedPassword))
	if strings.Contains(strings.ToLower(key), "hunter2") {
		t.Errorf("key %q keeps the typed text", key)
	}
	if UnknownKey([]byte("another-key-another-key-another!"), typedPassword) == key {
		t.Error("the digest does not depend on the server's key")
	}
	if got := NormalizeLogin("  al  ice \t"); got != "al ice" {
		t.Errorf("NormalizeLogin = %q", got)
	}
}
