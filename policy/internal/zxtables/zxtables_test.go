package zxtables_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustelem/zxcvbn"

	"github.com/frontdoor-sspr/frontdoor/policy/internal/zxtables"
)

// loadedAtStart is whether the dictionaries existed before any test ran.
// (An external test package: importing zxcvbn from package zxtables itself
// would initialise it after zxcvbn's matching.)
var loadedAtStart = zxtables.Loaded()

func TestNotBuiltAtInit(t *testing.T) {
	if loadedAtStart {
		t.Fatal("zxcvbn's dictionaries were built at package initialisation")
	}
}

// TestLoadMatchesEagerScores compares, password by password, the score and
// guesses after Load with those of a program that imports zxcvbn alone (its
// dictionaries built at initialisation, as the module does): the 69 passwords of the
// module's own reference output and typical passwords, with and without
// user inputs.
func TestLoadMatchesEagerScores(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command is needed to build the reference program:", err)
	}
	lines := []string{
		"password", "Password1!", "correcthorsebatterystaple", "Tr0ub4dor&3", "qwertyuiop", "jennifer1987",
		"Summer2024!", "p@ssw0rd", "letmein", "zxcvbn", "1q2w3e4r5t", "dragon", "Dr4g0n!", "hunter2",
		"alice.smith\talice,smith,Qx9 Labs", "QxLabs2026!\tqx9 labs,alice", "smithsmithsmith\tsmith",
		"éléphant-rose", "パスワード", "abcdefghijklmnopqrstuvwxyz0123456789", "19841984", "aaaaaaaaaaaa",
		"ajkhsdfjk2837!!x", "MargaretThatcher", "williams", "monkey123",
	}
	dir, err := exec.Command(goTool, "list", "-m", "-f", "{{.Dir}}", "github.com/trustelem/zxcvbn").Output()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "testdata", "output.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref []struct {
		Password string `json:"password"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	for _, r := range ref {
		if !strings.ContainsAny(r.Password, "\t\n\r") {
			lines = append(lines, r.Password)
		}
	}
	cmd := exec.Command(goTool, "run", "./testdata/eager")
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal("reference program:", err)
	}
	want := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(want) != len(lines) {
		t.Fatalf("reference program answered %d lines for %d passwords", len(want), len(lines))
	}
	zxtables.Load()
	if !zxtables.Loaded() {
		t.Fatal("Load did not build the dictionaries")
	}
	for i, line := range lines {
		pw, inputs, _ := strings.Cut(line, "\t")
		var words []string
		if inputs != "" {
			words = strings.Split(inputs, ",")
		}
		r := zxcvbn.PasswordStrength(pw, words)
		if got := fmt.Sprintf("%d %v", r.Score, r.Guesses); got != want[i] {
			t.Errorf("%q: score and guesses %s after Load, %s when built at initialisation", line, got, want[i])
		}
	}
	if r := zxcvbn.PasswordStrength("password", nil); r.Score != 0 {
		t.Errorf(`"password" scores %d after Load, want 0 (first of the passwords list)`, r.Score)
	}
}

// TestRelease runs in a process of its own (this test binary again), since
// Release is for the rest of the process.
func TestRelease(t *testing.T) {
	if os.Getenv("ZXTABLES_RELEASE_CHILD") == "1" {
		if !zxtables.Release() || !zxtables.Released() {
			fmt.Println("Release did not release")
			return
		}
		defer func() {
			if recover() != nil {
				fmt.Println("Load panicked after Release")
			}
		}()
		zxtables.Load()
		fmt.Println("Load ran after Release")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestRelease$")
	cmd.Env = append(os.Environ(), "ZXTABLES_RELEASE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Load panicked after Release") {
		t.Errorf("child: %v\n%s", err, out)
	}
	zxtables.Load()
	if zxtables.Release() || zxtables.Released() {
		t.Error("Release after Load released")
	}
}
