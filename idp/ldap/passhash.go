package ldap

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// passwordMatch tells whether candidate is the password stored as a
// userPassword value in one of the schemes slapd writes: {SSHA} (the
// default), {SHA}, {SMD5}, {MD5}, those of the pw-sha2 module ({SHA256},
// {SSHA256}, and 384 and 512), {ARGON2} of the argon2 module (argon2i and
// argon2id), and cleartext. known is false for any other scheme ({CRYPT},
// {PBKDF2*}, {SASL}, ...) and for a value that does not parse: then nothing
// can be said. Digests are compared in constant time.
func passwordMatch(stored, candidate string) (match, known bool) {
	scheme, value, ok := splitScheme(stored)
	if !ok {
		// No scheme: slapd stored the value as given (cleartext). Compare
		// digests so that not even the length shows in the timing.
		a, b := sha256.Sum256([]byte(stored)), sha256.Sum256([]byte(candidate))
		return equal(a[:], b[:]), true
	}
	switch strings.ToUpper(scheme) {
	case "SHA":
		return digestMatch(value, candidate, sha1.New, false)
	case "SSHA":
		return digestMatch(value, candidate, sha1.New, true)
	case "MD5":
		return digestMatch(value, candidate, md5.New, false)
	case "SMD5":
		return digestMatch(value, candidate, md5.New, true)
	case "SHA256":
		return digestMatch(value, candidate, sha256.New, false)
	case "SSHA256":
		return digestMatch(value, candidate, sha256.New, true)
	case "SHA384":
		return digestMatch(value, candidate, sha512.New384, false)
	case "SSHA384":
		return digestMatch(value, candidate, sha512.New384, true)
	case "SHA512":
		return digestMatch(value, candidate, sha512.New, false)
	case "SSHA512":
		return digestMatch(value, candidate, sha512.New, true)
	case "ARGON2":
		return argon2Match(value, candidate)
	}
	return false, false
}

// splitScheme splits "{SCHEME}value". A value without a leading {...} has
// no scheme.
func splitScheme(stored string) (scheme, value string, ok bool) {
	if !strings.HasPrefix(stored, "{") {
		return "", stored, false
	}
	end := strings.IndexByte(stored, '}')
	if end < 2 {
		return "", stored, false
	}
	return stored[1:end], stored[end+1:], true
}

// digestMatch checks base64(H(password [+ salt]) [+ salt]), the layout of
// slapd's {SHA}, {SSHA} and their relatives: the salt is what follows the
// digest.
func digestMatch(value, candidate string, h func() hash.Hash, salted bool) (match, known bool) {
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return false, false
	}
	d := h()
	size := d.Size()
	if len(raw) < size || (!salted && len(raw) != size) {
		return false, false
	}
	d.Write([]byte(candidate))
	d.Write(raw[size:])
	return equal(d.Sum(nil), raw[:size]), true
}

// argon2Match checks a PHC string as slapd's argon2 module writes it:
// $argon2i$v=19$m=4096,t=3,p=1$salt$hash, salt and hash in unpadded base64.
func argon2Match(value, candidate string) (match, known bool) {
	parts := strings.Split(value, "$")
	if len(parts) != 6 || parts[0] != "" || parts[2] != "v=19" {
		return false, false
	}
	var m, t, p uint64
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return false, false
		}
		switch k {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			p = n
		}
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	// Bounds (128 MiB, 16 passes) keep one odd value from stalling a reset;
	// beyond them the value counts as unknown, never as a match.
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 1024 ||
		m == 0 || m > 128<<10 || t == 0 || t > 16 || p == 0 || p > 255 {
		return false, false
	}
	var got []byte
	switch parts[1] {
	case "argon2i":
		got = argon2.Key([]byte(candidate), salt, uint32(t), uint32(m), uint8(p), uint32(len(want)))
	case "argon2id":
		got = argon2.IDKey([]byte(candidate), salt, uint32(t), uint32(m), uint8(p), uint32(len(want)))
	default:
		return false, false
	}
	return equal(got, want), true
}

// equal compares in constant time for equal lengths.
func equal(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }
