package config

import (
	"encoding/base64"
	"os"
	"regexp"
	"slices"
	"strings"
)

// Registration configures the users' security info: what they may register
// on the "Security info" page, whether they must, how the registered data
// is encrypted at rest and how the reset methods use it.
type Registration struct {
	// Required makes users register before they may reset, and sends users
	// who have not (or whose confirmation is older than ReconfirmDays) to
	// the "more information required" page when they sign in.
	Required bool `yaml:"required"`
	// ReconfirmDays is how often (0 to 730 days; 0 = never) users are asked
	// to confirm their security info again.
	ReconfirmDays int `yaml:"reconfirm_days"`
	// Methods are the methods users may register for; default the reset's.
	Methods []string `yaml:"methods"`
	// RemindLater lets a user skip the "more information required" page.
	RemindLater bool `yaml:"remind_later"`
	// UseForReset says which addresses and numbers the reset methods use,
	// and in which order: "registered" (this page's), "directory" (the
	// account's attributes). Default: registered, then directory.
	UseForReset []string `yaml:"use_for_reset"`
	// Keys encrypt the registered data (AES-256-GCM). The first encrypts,
	// every one decrypts: add a new key first to rotate.
	Keys []RegistrationKey `yaml:"keys"`
}

// RegistrationKey is one encryption key of the registered data: 32 random
// bytes in base64, given inline (key, usually "${ENV}") or as a file
// (key_file).
type RegistrationKey struct {
	ID      string `yaml:"id"`
	Key     string `yaml:"key"`
	KeyFile string `yaml:"key_file"`
}

// The sources of UseForReset.
const (
	SourceRegistered = "registered"
	SourceDirectory  = "directory"
)

// MaxReconfirmDays is the longest re-confirmation period, as the reference's.
const MaxReconfirmDays = 730

// keyIDRE is what a key ID may be: it is written in front of every sealed
// document.
var keyIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

func (r *Registration) applyDefaults(reset *Reset) {
	if r.Methods == nil {
		r.Methods = []string{"email"}
		if reset != nil {
			r.Methods = slices.Clone(reset.Methods)
		}
	}
	if r.UseForReset == nil {
		r.UseForReset = []string{SourceRegistered, SourceDirectory}
	}
}

func (r *Registration) validate(p *Problems) {
	if r.ReconfirmDays < 0 || r.ReconfirmDays > MaxReconfirmDays {
		p.add("registration.reconfirm_days", "must be between 0 (never) and %d", MaxReconfirmDays)
	}
	if len(r.Methods) == 0 {
		p.add("registration.methods", "lists no method to register")
	}
	if len(r.UseForReset) == 0 {
		p.add("registration.use_for_reset", "lists no source: give registered, directory or both")
	}
	for i, s := range r.UseForReset {
		oneOf(p, idx("registration.use_for_reset", i), s, SourceRegistered, SourceDirectory)
		if slices.Index(r.UseForReset, s) != i {
			p.add(idx("registration.use_for_reset", i), "%q is listed twice", s)
		}
	}
	if len(r.Keys) == 0 {
		p.add("registration.keys", "is required: registered security info is stored encrypted (32 random bytes in base64, e.g. openssl rand -base64 32)")
	}
	seen := map[string]bool{}
	for i, k := range r.Keys {
		path := idx("registration.keys", i)
		switch {
		case !keyIDRE.MatchString(k.ID):
			p.add(path+".id", "%q must be 1 to 32 letters, digits, - or _", k.ID)
		case seen[k.ID]:
			p.add(path+".id", "%q is used by another key", k.ID)
		}
		seen[k.ID] = true
		if (k.Key == "") == (k.KeyFile == "") {
			p.add(path, "set exactly one of key or key_file")
			continue
		}
		if _, err := k.Bytes(); err != nil {
			at := path + ".key"
			if k.KeyFile != "" {
				at = path + ".key_file"
			}
			p.add(at, "%v", err)
		}
	}
}

// Bytes returns the key: 32 bytes decoded from base64, read from KeyFile
// when that is set.
func (k RegistrationKey) Bytes() ([]byte, error) {
	v := k.Key
	if k.KeyFile != "" {
		data, err := os.ReadFile(k.KeyFile)
		if err != nil {
			return nil, err
		}
		v = string(data)
	}
	v = strings.TrimSpace(v)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil {
			if len(b) != 32 {
				return nil, errKeyLen(len(b))
			}
			return b, nil
		}
	}
	return nil, errKeyFormat
}

type keyError string

func (e keyError) Error() string { return string(e) }

const errKeyFormat = keyError("is not base64: give 32 random bytes in base64, e.g. from openssl rand -base64 32")

func errKeyLen(n int) error {
	return keyError("decodes to " + itoa(n) + " bytes; AES-256 needs 32 (openssl rand -base64 32)")
}
