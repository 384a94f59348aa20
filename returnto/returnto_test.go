package returnto

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

func TestOpenRedirectCorpusIsRefused(t *testing.T) {
	f, err := os.Open("testdata/openredirects.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		n++
		if got, ok := Validate(line, "/.frontdoor/"); ok {
			t.Errorf("accepted %q as %q", line, got)
		}
	}
	if n < 60 {
		t.Fatalf("corpus has only %d payloads", n)
	}
}

func TestSameOriginPathsAreKept(t *testing.T) {
	for raw, want := range map[string]string{
		"/login": "/login",
		"/simplesaml/module.php/core/loginuserpass.php?AuthState=_abc%3Ahttp%3A%2F%2F127.0.0.1":   "/simplesaml/module.php/core/loginuserpass.php?AuthState=_abc%3Ahttp%3A%2F%2F127.0.0.1",
		"/realms/acme/login-actions/authenticate?session_code=x&execution=y&client_id=z&tab_id=t": "/realms/acme/login-actions/authenticate?session_code=x&execution=y&client_id=z&tab_id=t",
		"/login#fragment":        "/login",
		"/a/b/../c?next=//x":     "/a/b/../c?next=//x",
		"/caf%C3%A9?q=%E2%9C%93": "/caf%C3%A9?q=%E2%9C%93",
	} {
		got, ok := Validate(raw, "/.frontdoor/")
		if !ok || got != want {
			t.Errorf("Validate(%q) = %q, %v; want %q", raw, got, ok, want)
		}
	}
	if got := Absolute("https://sso.example.com/", "/login?x=1"); got != "https://sso.example.com/login?x=1" {
		t.Errorf("Absolute = %q", got)
	}
}

func FuzzValidate(f *testing.F) {
	f.Add("/login?x=1")
	f.Add("//evil")
	f.Add("/%2F%2Fevil")
	f.Fuzz(func(t *testing.T, raw string) {
		got, ok := Validate(raw, "/.frontdoor/")
		if !ok {
			return
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\ \t\r\n") {
			t.Fatalf("Validate(%q) accepted %q", raw, got)
		}
	})
}
