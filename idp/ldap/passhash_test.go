package ldap

import (
	"bytes"
	"strconv"
	"testing"
)

// Values made by slappasswd 2.5.13 (Debian 12) for vectorPassword, with
// -o module-load=pw-sha2 and -o module-load=argon2 for those schemes.
const vectorPassword = "Vector-Pass-2026!"

var vectors = []struct {
	stored string
	known  bool // false: frontdoor cannot compare this scheme
}{
	{"{SSHA}fVf4k+ZE//s0Tp9p3nyF40UFO1CPfrUj", true},
	{"{SHA}CpdlxI3xkWym6Xvli9n2yo0XNPM=", true},
	{"{SMD5}+Vs3ifOWNGJO6STstdHsYgKtjnw=", true},
	{"{MD5}V+QH0ISlGYBH89k0TwckAg==", true},
	{"{SHA256}M1++o8JGdG9SkLTT7Yw7C1upclt1CgNmrhmR1nIEmCc=", true},
	{"{SHA384}NM51pcR9UYjU+Bkn3KciqIwxJ0ltGxbLv414H4xrYEus93fVhQ9S5LgZBc2lwC1l", true},
	{"{SHA512}52eV2VKdDfYikySgcsFI30DfjICldSlEtEFUUcKgR6JeVW0YgC3IhGcebTBjgMvNtT729XO9eoe7cRcrKGtp1Q==", true},
	{"{SSHA256}v4yZlPCxDMK9HhC4P2+bXO2YVrwaZqr1wYHZm3vbKMJPKhaFhLi0Mw==", true},
	{"{SSHA384}jVA0Brf4hFj4dCXZjIkFK85PnOM95Hz7jOIxqRy+wyVl6LmsP9hchp6MkNAE1Qw9e8F4Hhw86p8=", true},
	{"{SSHA512}pBBB1LFDKxPSBoqIlxeBpSLYhh1WQrdMOnhT0eGRUFD/BGsTYvKLxL9gcql5IqJA6/Ts/Nyg49Am718B1YJ8CzobFk+XCHJn", true},
	{"{ARGON2}$argon2i$v=19$m=4096,t=3,p=1$qxBl5StItDBCCmwNBBjRdA$cm9XEBm0fo30IJ0v1CPfxizxXteADQzI//6trsBzlwE", true},
	{"{ssha}fVf4k+ZE//s0Tp9p3nyF40UFO1CPfrUj", true}, // schemes are case-insensitive
	{vectorPassword, true}, // cleartext, as slapadd stores it
	{"{CRYPT}7UbvSAiyXQubQmGO7o481o3It6AimQEeGYo", false},
	{"{CRYPT}$6$JXrNJY7gnDhgK6R7$vGiEJExGS7ndsm0P4YLneJChIL6W3a36ezHlLxuzgcG6wtfPKZqN0..bAs710StRheHiEy0q/jMHSIFnQT7rn1", false},
}

func TestPasswordMatch(t *testing.T) {
	for _, v := range vectors {
		scheme := schemeName([]byte(v.stored))
		if match, known := passwordMatch(v.stored, vectorPassword); match != v.known || known != v.known {
			t.Errorf("%s with the right password: match %v, known %v; want %v, %v", scheme, match, known, v.known, v.known)
		}
		for _, wrong := range []string{"Vector-Pass-2026?", "vector-pass-2026!", vectorPassword + " ", "", "Vector-Pass-2026"} {
			if match, known := passwordMatch(v.stored, wrong); match || known != v.known {
				t.Errorf("%s with %q: match %v, known %v; want false, %v", scheme, wrong, match, known, v.known)
			}
		}
	}
}

// TestPasswordMatchDamaged: a value that does not parse compares as unknown,
// never as a match.
func TestPasswordMatchDamaged(t *testing.T) {
	for _, stored := range []string{
		"{SSHA}not base64!",
		"{SSHA}AAAA",                            // shorter than a digest
		"{SHA}CpdlxI3xkWym6Xvli9n2yo0XNPMAAAA=", // unsalted with extra bytes
		"{ARGON2}$argon2d$v=19$m=4096,t=3,p=1$qxBl5StItDBCCmwNBBjRdA$cm9XEBm0fo30IJ0v1CPfxizxXteADQzI//6trsBzlwE",
		"{ARGON2}$argon2i$v=16$m=4096,t=3,p=1$qxBl5StItDBCCmwNBBjRdA$cm9XEBm0fo30IJ0v1CPfxizxXteADQzI//6trsBzlwE",
		"{ARGON2}$argon2i$v=19$m=999999999,t=3,p=1$qxBl5StItDBCCmwNBBjRdA$cm9XEBm0fo30IJ0v1CPfxizxXteADQzI//6trsBzlwE",
		"{ARGON2}$argon2i$v=19$m=x,t=3,p=1$qxBl5StItDBCCmwNBBjRdA$cm9XEBm0fo30IJ0v1CPfxizxXteADQzI//6trsBzlwE",
		"{ARGON2}garbage",
		"{PBKDF2-SHA512}10000$c2FsdA$aGFzaA",
		"{SASL}alice@EXAMPLE.TEST",
	} {
		if match, known := passwordMatch(stored, vectorPassword); match || known {
			t.Errorf("%q: match %v, known %v; want false, false", stored, match, known)
		}
	}
}

func TestParseHistory(t *testing.T) {
	const oid = "1.3.6.1.4.1.1466.115.121.1.40"
	entry := func(time, value string) []byte {
		return []byte(time + "#" + oid + "#" + strconv.Itoa(len(value)) + "#" + value)
	}
	got := parseHistory([][]byte{
		entry("20260101000000Z", "{SSHA}older"),
		entry("20260301000000Z", "{SSHA}newest#with#hashes"),
		[]byte("20260201000000Z#" + oid + "#99#{SSHA}wrong-length"),
		[]byte("no separators"),
		entry("20260201000000Z", "middle"),
		entry("20260201000000Z", "middle, added after in the same second"),
	})
	want := []string{"{SSHA}newest#with#hashes", "middle, added after in the same second", "middle", "{SSHA}older"}
	if len(got) != len(want) {
		t.Fatalf("parseHistory = %q; want %q", got, want)
	}
	for i := range want {
		if !bytes.Equal(got[i], []byte(want[i])) {
			t.Errorf("parseHistory[%d] = %q; want %q", i, got[i], want[i])
		}
	}
}

// FuzzParseHistory: any pwdHistory value parses without panicking, and what
// comes out is the tail of some input value.
func FuzzParseHistory(f *testing.F) {
	f.Add([]byte("20261129160155Z#1.3.6.1.4.1.1466.115.121.1.40#38#{SSHA}on2FLrZe95p6GkTBtyYqkna4heEH6eW9"))
	f.Add([]byte("#"))
	f.Add([]byte("x#y#-1#"))
	f.Fuzz(func(t *testing.T, v []byte) {
		for _, out := range parseHistory([][]byte{v}) {
			if !bytes.HasSuffix(v, out) {
				t.Fatalf("parseHistory(%q) returned %q, not a part of it", v, out)
			}
		}
	})
}

// FuzzPasswordMatch: no stored value, however damaged, makes the check panic.
func FuzzPasswordMatch(f *testing.F) {
	for _, v := range vectors {
		f.Add(v.stored, vectorPassword)
	}
	f.Fuzz(func(t *testing.T, stored, candidate string) {
		passwordMatch(stored, candidate)
	})
}
