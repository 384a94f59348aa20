package config

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

const testKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes

func TestRegistrationDefaults(t *testing.T) {
	c, err := read(t, minimal+`
reset:
  enabled: none
  methods: [email]
registration:
  keys: [{id: k1, key: "${REG_KEY}"}]
`, map[string]string{"REG_KEY": testKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Registration
	if r.Required || r.ReconfirmDays != 0 || !slices.Equal(r.Methods, []string{"email"}) ||
		!slices.Equal(r.UseForReset, []string{"registered", "directory"}) {
		t.Errorf("defaults = %+v", r)
	}
	if b, err := r.Keys[0].Bytes(); err != nil || len(b) != 32 {
		t.Errorf("Bytes() = %d bytes, %v", len(b), err)
	}
}

func TestRegistrationProblems(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short")
	if err := os.WriteFile(short, []byte("c2hvcnQ=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good")
	if err := os.WriteFile(good, []byte(testKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := read(t, minimal+`
registration:
  reconfirm_days: 731
  methods: []
  use_for_reset: [registered, ldap, registered]
  keys:
    - {id: "a b", key: "`+testKey+`"}
    - {id: k2, key: "not base64!"}
    - {id: k3, key_file: "`+short+`"}
    - {id: k3, key_file: "`+good+`"}
    - {id: k5, key: "`+testKey+`", key_file: "`+good+`"}
    - {id: k6, key_file: "`+filepath.Join(dir, "missing")+`"}
`, nil, nil)
	got := problemPaths(t, err)
	want := []string{
		"registration.reconfirm_days", "registration.methods",
		"registration.use_for_reset[1]", "registration.use_for_reset[2]",
		"registration.keys[0].id", "registration.keys[1].key", "registration.keys[2].key_file",
		"registration.keys[3].id", "registration.keys[4]", "registration.keys[5].key_file",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems at\n  %v\nwant\n  %v\n(%v)", got, want, err)
	}
	_, err = read(t, minimal+"registration: {}\n", nil, nil)
	if got := problemPaths(t, err); !slices.Equal(got, []string{"registration.keys"}) {
		t.Errorf("without keys: problems at %v, want registration.keys", got)
	}
}
