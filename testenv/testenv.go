package testenv

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var (
	loadOnce sync.Once
	fromFile map[string]string
)

// Root returns the directory holding the testenv scripts.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// load runs env.sh once and parses its `export NAME=value` lines.
func load() {
	fromFile = map[string]string{}
	out, err := exec.Command("bash", filepath.Join(Root(), "env.sh")).Output()
	if err != nil {
		return
	}
	// Let bash undo the %q quoting: print each name NUL-separated from its value.
	script := string(out) + "\nenv -0"
	dump, err := exec.Command("bash", "-c", script).Output()
	if err != nil {
		return
	}
	names := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		if name, _, ok := strings.Cut(line, "="); ok {
			names[name] = true
		}
	}
	for _, kv := range bytes.Split(dump, []byte{0}) {
		name, value, ok := strings.Cut(string(kv), "=")
		if ok && names[name] {
			fromFile[name] = value
		}
	}
}

// Lookup returns a testenv value by name, from the environment first.
func Lookup(name string) (string, bool) {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v, true
	}
	loadOnce.Do(load)
	v, ok := fromFile[name]
	return v, ok && v != ""
}

// InCI reports whether the tests run in CI, where missing servers are failures.
func InCI() bool { return os.Getenv("CI") == "true" }

// Require returns the values of the named variables, or stops the test: it
// fails in CI and skips elsewhere, naming the service to start.
func Require(t testing.TB, service string, names ...string) []string {
	t.Helper()
	vals := make([]string, len(names))
	for i, n := range names {
		v, ok := Lookup(n)
		if !ok {
			msg := "testenv: " + n + " is not set; start the server with `testenv/up.sh " + service + "`"
			if InCI() {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		vals[i] = v
	}
	return vals
}
