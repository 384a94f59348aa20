package policy

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// TestReleaseStrength runs in a process of its own (this test binary again):
// after ReleaseStrength, as serve calls it when min_strength is off, a policy
// without min_strength still checks, and one with it is refused at New.
func TestReleaseStrength(t *testing.T) {
	if os.Getenv("POLICY_RELEASE_CHILD") == "1" {
		ReleaseStrength()
		p, err := New(config.PasswordPolicy{Mode: "entra"}, "Example Corp")
		if err != nil {
			fmt.Println("without min_strength:", err)
			return
		}
		if r, err := p.Check(t.Context(), "correct horse battery staple 2026", Context{}); err != nil || !r.OK {
			fmt.Println("check without min_strength:", r, err)
			return
		}
		if _, err := New(config.PasswordPolicy{Mode: "entra", MinScore: 3}, "Example Corp"); err == nil {
			fmt.Println("min_strength accepted after release")
			return
		}
		fmt.Println("release ok")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestReleaseStrength$")
	cmd.Env = append(os.Environ(), "POLICY_RELEASE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "release ok") {
		t.Errorf("child: %v\n%s", err, out)
	}
}
