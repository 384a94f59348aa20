package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestResetSurvivesRestart: a flow started on one frontdoor is finished on
// another that shares the store (a restart, or another replica).
func TestResetSurvivesRestart(t *testing.T) {
	cfg := testConfig(t)
	first := startFrontdoor(t, cfg)
	login, mail, _ := slapdUser(t)
	c, body := resetWalk(t, first, login, mail)
	token := csrf(t, body)
	first.srv.Close() // the first process goes away; its store file stays

	second := startFrontdoor(t, cfg)
	pw := "Second-Process-Lantern-93"
	_, _, body = page(t, c, "POST", second.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {token}, "password": {pw}, "confirm": {pw}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("the flow did not survive the restart:\n%s", body)
	}
	if err := slapdBind(t, login, pw); err != nil {
		t.Fatal(err)
	}
}

// TestResetMailServerDown: with the mail server unreachable, a known account
// and an unknown user ID still get the same answers, and the user is not
// told that sending failed.
func TestResetMailServerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there now
	cfg := testConfig(t)
	cfg.Email.SMTP.Port = port
	fd := startFrontdoor(t, cfg)
	var answers []string
	for _, login := range []string{"alice", "nosuchuser"} {
		c := browser(t)
		_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
		_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
			"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, "reset")}})
		status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
		answers = append(answers, strconv.Itoa(status)+maskRE.ReplaceAllString(body, "MASKED"))
		if strings.Contains(strings.ToLower(body), "fail") {
			t.Errorf("%s: the page talks of a failure:\n%s", login, body)
		}
	}
	if answers[0] != answers[1] {
		t.Errorf("known and unknown user IDs answered differently with the mail server down:\n%s\n---\n%s", answers[0], answers[1])
	}
}

// TestResetIgnoresUserFieldsInForms: the account a flow writes comes from
// its server-side state only; user names slipped into the form are ignored.
func TestResetIgnoresUserFieldsInForms(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, mail, _ := slapdUser(t)
	victim, _, victimPassword := slapdUser(t)
	c, body := resetWalk(t, fd, login, mail)
	pw := "Own-Account-Only-Lantern-93"
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw},
		"login": {victim}, "username": {victim}, "uid": {victim}, "dn": {"uid=" + victim + ",ou=people," + base},
		"mail": {"attacker@example.test"}, "mobile": {"+447700900999"}, "unlock": {"true"}, "forceChange": {"false"}, "lockoutTime": {"0"}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("reset failed:\n%s", body)
	}
	if err := slapdBind(t, login, pw); err != nil {
		t.Errorf("the flow's own account did not get the password: %v", err)
	}
	if err := slapdBind(t, victim, victimPassword); err != nil {
		t.Errorf("the account named in the form was changed: %v", err)
	}
	res, err := slapdRoot(t).Search(ldap.NewSearchRequest("uid="+login+",ou=people,"+base, ldap.ScopeBaseObject, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=*)", []string{"mail", "mobile"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("read back %s: %v", login, err)
	}
	if got := res.Entries[0].GetAttributeValue("mail"); got != mail || res.Entries[0].GetAttributeValue("mobile") != "" {
		t.Errorf("extra form fields reached the directory: mail %q, mobile %q", got, res.Entries[0].GetAttributeValue("mobile"))
	}
}

// TestNoCrossOriginAccess: frontdoor's pages grant no cross-origin reads,
// whatever Origin a request names.
func TestNoCrossOriginAccess(t *testing.T) {
	fd := startFrontdoor(t, nil)
	for _, path := range []string{"/.frontdoor/reset", "/.frontdoor/unlock", "/.frontdoor/helpdesk"} {
		req, _ := http.NewRequest(http.MethodGet, fd.URL+path, nil)
		req.Header.Set("Origin", "https://evil.example")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for k := range resp.Header {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s answers %s: %s", path, k, resp.Header.Get(k))
			}
		}
	}
}

// TestNoSecretsInDebugLogs walks a whole reset with debug logging and looks
// for the CAPTCHA answer, the code and both passwords in the log.
//
// The store's files (the SQLite database, its WAL and shared memory) hold
// none of them either but the CAPTCHA answer: flows are kept under the
// SHA-256 of their handle and codes as an HMAC, so a copy of the store takes
// over no flow in progress.
func TestNoSecretsInDebugLogs(t *testing.T) {
	var logs syncBuffer
	cfg := testConfig(t)
	fd := startFrontdoorLogging(t, cfg, &logs)
	login, mail, oldPassword := slapdUser(t)
	c := browser(t)
	// Every handle the flow cookie held and every CSRF token: the handle
	// changes when the gates are passed.
	var handles, tokens []string
	keep := func(body string) string {
		u, _ := url.Parse(fd.URL + "/.frontdoor/")
		for _, ck := range c.Jar.Cookies(u) {
			if ck.Name == flows.CookieName("reset") && !slices.Contains(handles, ck.Value) {
				handles = append(handles, ck.Value)
			}
		}
		tk := csrf(t, body)
		if !slices.Contains(tokens, tk) {
			tokens = append(tokens, tk)
		}
		return tk
	}
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
	captcha := fd.captchaAnswer(t, c, "reset")
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
		"csrf_token": {keep(body)}, "login": {login}, "captcha": {captcha}})
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {keep(body)}, "method": {"email"}})
	code := waitCode(t, mail)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {keep(body)}, "code": {code}})
	pw := "Quiet-Logs-Lantern-93"
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {keep(body)}, "password": {pw}, "confirm": {pw}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("reset failed:\n%s", body)
	}
	stored := 0 // handles of the stored flow, not the sealed offer ("o." cookies)
	for _, h := range handles {
		if !strings.HasPrefix(h, "o.") {
			stored++
		}
	}
	if stored < 2 {
		t.Fatalf("handles of the stored flow seen: %d; want the first and the one after the gates", stored)
	}
	log := logs.String()
	if !strings.Contains(log, "password.reset") {
		t.Fatalf("the log has no audit line; nothing was checked:\n%s", log)
	}
	secrets := map[string]string{"CAPTCHA answer": captcha, "code": code, "new password": pw, "old password": oldPassword}
	for i, h := range handles {
		secrets[fmt.Sprintf("flow handle %d", i+1)] = h
	}
	for i, tk := range tokens {
		secrets[fmt.Sprintf("CSRF token %d", i+1)] = tk
	}
	for name, secret := range secrets {
		if strings.Contains(log, secret) {
			t.Errorf("the %s is in the log", name)
		}
	}
	var db []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(cfg.Store.DSN + suffix)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		db = append(db, b...)
	}
	if !bytes.Contains(db, []byte("password.reset")) {
		t.Fatalf("the store's files (%d bytes) hold no audit event; nothing was checked", len(db))
	}
	// The CAPTCHA answer is in the flow's state, which draws its image; with
	// no handle in the store, it reaches no flow.
	delete(secrets, "CAPTCHA answer")
	for name, secret := range secrets {
		if bytes.Contains(db, []byte(secret)) {
			t.Errorf("the %s is in the store's files", name)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// waitCode reads the newest verification code sent to mail.
func waitCode(t *testing.T, mail string) string {
	t.Helper()
	msg, err := testenv.Mailpit(t).WaitFor(context.Background(), mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) })
	if err != nil {
		t.Fatal(err)
	}
	return codeRE.FindStringSubmatch(msg.Text)[1]
}

// TestResetRefusedWhenAccountChanges: an administrator changes the account's
// mail, or locks it, between the code and the new password: the write is
// refused and the password stays.
func TestResetRefusedWhenAccountChanges(t *testing.T) {
	fd := startFrontdoor(t, nil)
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	for name, change := range map[string]func(*ldap.ModifyRequest){
		"mail changed":        func(m *ldap.ModifyRequest) { m.Replace("mail", []string{"someone-else@example.test"}) },
		"administrative lock": func(m *ldap.ModifyRequest) { m.Replace("pwdAccountLockedTime", []string{"000001010000Z"}) },
	} {
		t.Run(name, func(t *testing.T) {
			login, mail, password := slapdUser(t)
			c, body := resetWalk(t, fd, login, mail)
			m := ldap.NewModifyRequest("uid="+login+",ou=people,"+base, nil)
			change(m)
			if err := slapdRoot(t).Modify(m); err != nil {
				t.Fatal(err)
			}
			pw := "Changed-Under-Us-Lantern-93"
			status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
			if status != 409 {
				t.Errorf("status %d, want 409", status)
			}
			if err := slapdBind(t, login, pw); err == nil {
				t.Error("the new password was written")
			}
			if name == "mail changed" {
				if err := slapdBind(t, login, password); err != nil {
					t.Errorf("the old password no longer binds: %v", err)
				}
			}
		})
	}
}

// TestResetEndsWhenPasswordChangedElsewhere: a password changed after the
// flow began (the user signed in and changed it, or an administrator did)
// ends the flow. Its last step is refused and writes nothing, and the
// password set elsewhere stays.
func TestResetEndsWhenPasswordChangedElsewhere(t *testing.T) {
	fd := startFrontdoor(t, nil)
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	login, mail, _ := slapdUser(t)
	c, body := resetWalk(t, fd, login, mail)
	elsewhere := "Changed-Elsewhere-Harbour-48"
	if _, err := slapdRoot(t).PasswordModify(ldap.NewPasswordModifyRequest("uid="+login+",ou=people,"+base, "", elsewhere)); err != nil {
		t.Fatal(err)
	}
	pw := "Reset-After-Change-Meadow-27"
	status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if status != 409 {
		t.Errorf("status %d, want 409", status)
	}
	if err := slapdBind(t, login, pw); err == nil {
		t.Error("the flow's password was written over the one set elsewhere")
	}
	if err := slapdBind(t, login, elsewhere); err != nil {
		t.Errorf("the password set elsewhere no longer binds: %v", err)
	}
}
