package server

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestSignInBodiesNotKept (T-6): a sign-in at SimpleSAMLphp through
// frontdoor, with the log at debug level, one failed and one that works:
// neither password is in frontdoor's log or in its store's files.
func TestSignInBodiesNotKept(t *testing.T) {
	var logs syncBuffer
	cfg := testConfig(t)
	fd := startFrontdoorLogging(t, cfg, &logs)
	login, mail, password := slapdUser(t)
	start := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	const wrong = "Wrong-Marker-Password-5150"
	for _, pw := range []string{wrong, password} {
		c := browser(t)
		_, u, body := page(t, c, "GET", fd.URL+start, nil)
		_, _, body = page(t, c, "POST", u.String(), url.Values{"username": {login}, "password": {pw}, "AuthState": {hiddenValue(t, body, "AuthState")}})
		if signedIn := strings.Contains(body, mail); signedIn != (pw == password) {
			t.Fatalf("sign-in with the %s password: signed in %v", map[bool]string{true: "right", false: "wrong"}[pw == password], signedIn)
		}
	}
	log := logs.String()
	if !strings.Contains(log, "frontdoor started") {
		t.Fatalf("nothing was logged; nothing was checked:\n%s", log)
	}
	var files []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(cfg.Store.DSN + suffix)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		files = append(files, b...)
	}
	for _, pw := range []string{wrong, password} {
		if strings.Contains(log, pw) || strings.Contains(log, url.QueryEscape(pw)) {
			t.Errorf("a password posted to the sign-in page is in the log")
		}
		if strings.Contains(string(files), pw) {
			t.Errorf("a password posted to the sign-in page is in the store's files")
		}
	}
}
