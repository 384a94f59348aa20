package registration

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// Errors of opening a sealed document.
var (
	// ErrUnknownKey means the document was sealed with a key that the
	// configuration no longer lists: it cannot be read.
	ErrUnknownKey = errors.New("registration: sealed with a key that registration.keys does not list")
	// ErrTampered means the document does not decrypt under its key: it was
	// changed, moved from another user's row, or a different key was given
	// the same ID.
	ErrTampered = errors.New("registration: the document does not decrypt (changed, moved from another user, or a key was replaced under the same ID)")
	// ErrFormat means the stored bytes are not a sealed document.
	ErrFormat = errors.New("registration: not a sealed document")
)

// magic starts every sealed document, followed by one byte of key ID
// length, the key ID, the nonce and the ciphertext with its tag.
const magic = "FDR1"

// Keyring holds the keys of the registered data: the first seals, every
// one opens.
type Keyring struct {
	ids   []string
	aeads map[string]cipher.AEAD
}

// Key is one key of a Keyring.
type Key struct {
	ID  string
	Key []byte // 32 bytes
}

// NewKeyring returns a keyring of keys, the first of which seals.
func NewKeyring(keys ...Key) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("registration: no key")
	}
	kr := &Keyring{aeads: map[string]cipher.AEAD{}}
	for _, k := range keys {
		if k.ID == "" || len(k.ID) > 255 {
			return nil, fmt.Errorf("registration: key ID %q must be 1 to 255 bytes", k.ID)
		}
		if _, dup := kr.aeads[k.ID]; dup {
			return nil, fmt.Errorf("registration: key ID %q is used twice", k.ID)
		}
		if len(k.Key) != 32 {
			return nil, fmt.Errorf("registration: key %q has %d bytes; AES-256 needs 32", k.ID, len(k.Key))
		}
		block, err := aes.NewCipher(k.Key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		kr.ids = append(kr.ids, k.ID)
		kr.aeads[k.ID] = aead
	}
	return kr, nil
}

// KeyringFromConfig builds the keyring of registration.keys.
func KeyringFromConfig(c []config.RegistrationKey) (*Keyring, error) {
	keys := make([]Key, 0, len(c))
	for i, k := range c {
		b, err := k.Bytes()
		if err != nil {
			return nil, fmt.Errorf("registration.keys[%d]: %w", i, err)
		}
		keys = append(keys, Key{ID: k.ID, Key: b})
	}
	return NewKeyring(keys...)
}

// Primary is the ID of the key that seals.
func (kr *Keyring) Primary() string { return kr.ids[0] }

// Seal encrypts plaintext under the primary key, bound to aad.
func (kr *Keyring) Seal(aad string, plaintext []byte) []byte {
	id := kr.ids[0]
	aead := kr.aeads[id]
	out := make([]byte, 0, len(magic)+1+len(id)+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out = append(out, magic...)
	out = append(out, byte(len(id)))
	out = append(out, id...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("registration: crypto/rand failed: " + err.Error())
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, boundAAD(id, aad))
}

// Open decrypts what Seal returned for the same aad, and says which key
// sealed it.
func (kr *Keyring) Open(aad string, sealed []byte) (plaintext []byte, keyID string, err error) {
	if len(sealed) < len(magic)+1 || string(sealed[:len(magic)]) != magic {
		return nil, "", ErrFormat
	}
	rest := sealed[len(magic):]
	n := int(rest[0])
	if n == 0 || len(rest) < 1+n {
		return nil, "", ErrFormat
	}
	keyID = string(rest[1 : 1+n])
	rest = rest[1+n:]
	aead, ok := kr.aeads[keyID]
	if !ok {
		return nil, keyID, fmt.Errorf("%w (key %q)", ErrUnknownKey, keyID)
	}
	if len(rest) < aead.NonceSize()+aead.Overhead() {
		return nil, keyID, ErrFormat
	}
	plaintext, err = aead.Open(nil, rest[:aead.NonceSize()], rest[aead.NonceSize():], boundAAD(keyID, aad))
	if err != nil {
		return nil, keyID, fmt.Errorf("%w (key %q)", ErrTampered, keyID)
	}
	return plaintext, keyID, nil
}

// boundAAD is the additional data: a fixed label, so that nothing else
// sealed with these keys passes for a registration, the key ID and the
// caller's binding (the user ID).
func boundAAD(keyID, aad string) []byte {
	return []byte("frontdoor registration v1\x00" + keyID + "\x00" + aad)
}
