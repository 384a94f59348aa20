package policy

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/policy/breached"
)

func sha1Hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// breachedFile writes a sorted corpus holding pws.
func breachedFile(t *testing.T, pws ...string) string {
	t.Helper()
	var lines []string
	for i, pw := range pws {
		lines = append(lines, fmt.Sprintf("%s:%d", sha1Hex(pw), i+1))
	}
	slices.Sort(lines)
	path := filepath.Join(t.TempDir(), "pwned.txt")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\r\n")+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBreachedFile(t *testing.T) {
	path := breachedFile(t, "Kv93!xTrq#pl", "Qz8#Wm!c2Lp0", "Ze\u0301bre#Vk93x")
	p := mustNew(t, config.PasswordPolicy{BreachedFile: path}, "")
	runChecks(t, p, []checkCase{
		{"in the corpus", "Kv93!xTrq#pl", Context{}, []string{ReasonBreached}},
		{"in the corpus too", "Qz8#Wm!c2Lp0", Context{}, []string{ReasonBreached}},
		{"one character off", "Kv93!xTrq#pL", Context{}, nil},
		{"composed form of a decomposed entry", "Z\u00e9bre#Vk93x", Context{}, nil},
		{"decomposed form of a composed entry", "Ze\u0301bre#Vk93x", Context{}, []string{ReasonBreached}},
	})
	if got := p.Rules(); !slices.Contains(got, Rule{Code: RuleBreached}) {
		t.Errorf("Rules do not mention the breached check: %v", got)
	}
}

// fakeRange is a stand-in for the public range API (see package breached for
// its contract); it holds the hashes of the passwords it knows.
func fakeRange(t *testing.T, status int, pws ...string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status != http.StatusOK {
			w.WriteHeader(status)
			return
		}
		prefix := strings.TrimPrefix(r.URL.Path, "/range/")
		for _, pw := range pws {
			if h := sha1Hex(pw); h[:5] == prefix {
				fmt.Fprintf(w, "%s:%d\r\n", h[5:], 10)
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestBreachedAPI(t *testing.T) {
	srv := fakeRange(t, http.StatusOK, "Kv93!xTrq#pl")
	p := mustNew(t, config.PasswordPolicy{BreachedAPIURL: srv.URL}, "")
	runChecks(t, p, []checkCase{
		{"known to the API", "Kv93!xTrq#pl", Context{}, []string{ReasonBreached}},
		{"unknown to the API", "Qz8#Wm!c2Lp0", Context{}, nil},
	})
}

func TestBreachedAPIDown(t *testing.T) {
	srv := fakeRange(t, http.StatusServiceUnavailable)
	p := mustNew(t, config.PasswordPolicy{BreachedAPIURL: srv.URL}, "")
	r, err := p.Check(context.Background(), "Qz8#Wm!c2Lp0", Context{})
	if !errors.Is(err, breached.ErrAPI) {
		t.Errorf("error %v, want breached.ErrAPI", err)
	}
	if !r.OK {
		t.Errorf("the other rules' verdict is lost: %+v", r)
	}
	// A password refused by the local rules never reaches the API.
	r, err = p.Check(context.Background(), "Password1!", Context{})
	if err != nil || r.OK {
		t.Errorf("Password1!: %+v, %v; want refused with no API call", r, err)
	}
}

func TestStrength(t *testing.T) {
	p := mustNew(t, config.PasswordPolicy{Mode: ModeNIST, SecondFactor: true, MinScore: 4}, "")
	runChecks(t, p, []checkCase{
		{"passphrase", "zebra-quantum-42-lantern", Context{}, nil},
		{"short random", "Kv93!xTrq", Context{}, []string{ReasonWeak}},
	})
	r, err := p.Check(context.Background(), "zebra-quantum-42-lantern", Context{})
	if err != nil || r.Strength != 4 {
		t.Errorf("strength %d, %v; want 4", r.Strength, err)
	}
	off := mustNew(t, config.PasswordPolicy{}, "")
	if r, _ := off.Check(context.Background(), "zebra-quantum-42-lantern", Context{}); r.Strength != -1 {
		t.Errorf("strength %d with min_strength off, want -1", r.Strength)
	}
}
