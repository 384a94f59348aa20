package server

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// openRedirectPayloads reads the open-redirect corpus of package returnto.
func openRedirectPayloads(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../returnto/testdata/openredirects.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}
