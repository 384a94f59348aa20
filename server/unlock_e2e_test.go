package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// The outcome texts the user reads at the end of the unlock flow.
const (
	unlockedGeneric = "If your account was locked, it is now unlocked."
	unlockCapped    = "unlocked too many times today"
	adminLocked     = "An administrator has locked this account."
)

// lockByFailedBinds makes bind fail as many times as the directory's lockout
// threshold (3 in both testenv directories), then checks that the right
// password no longer binds.
func lockByFailedBinds(t *testing.T, bind func(password string) error, password string) {
	t.Helper()
	for range 3 {
		if err := bind("Wrong-" + password); err == nil {
			t.Fatal("a wrong password binds")
		}
	}
	if err := bind(password); err == nil {
		t.Fatal("the account is not locked after three failed binds")
	}
}

// slapdLockOut locks a throwaway slapd user by failed binds. It binds
// wrongly until slapd records the lock (pwdAccountLockedTime), at most six
// times: a CI run once saw three failed binds leave the account unlocked.
func slapdLockOut(t *testing.T, login, password string) {
	t.Helper()
	for attempt := 1; slapdLockTime(t, login) == ""; attempt++ {
		if attempt > 6 {
			t.Fatalf("%s is not locked after six failed binds", login)
		}
		if err := slapdBind(t, login, "Wrong-"+password); err == nil {
			t.Fatal("a wrong password binds")
		} else if !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			t.Logf("failed bind %d: %v", attempt, err)
		}
	}
	if err := slapdBind(t, login, password); err == nil {
		t.Fatal("the account is locked, yet its password binds")
	}
}

// unlockWalk runs the unlock flow from the sign-in page's injected link to
// its last page, for a user whose mail lands in mailpit, and returns it.
func unlockWalk(t *testing.T, fd *frontdoor, login, mail string) string {
	t.Helper()
	ssp := testenv.Require(t, "simplesamlphp", "SIMPLESAMLPHP_LOGIN_START")[0]
	mp := testenv.Mailpit(t)
	ctx := context.Background()
	if err := mp.Delete(ctx, mail); err != nil {
		t.Fatal(err)
	}
	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+ssp, nil)
	link := injectedLink(t, body, "Unlock my account")
	if !strings.HasPrefix(link, "/.frontdoor/unlock?return_to=%2Fsimplesaml%2F") {
		t.Fatalf("injected unlock link %q does not carry the sign-in page", link)
	}
	_, _, body = page(t, c, "GET", fd.URL+link, nil)
	if !strings.Contains(body, "Unlock your account") || !strings.Contains(body, `href="/.frontdoor/reset?return_to=%2Fsimplesaml%2F`) {
		t.Fatalf("unlock start page lacks its title or the reset-instead link:\n%s", body)
	}
	_, u, body := page(t, c, "POST", fd.URL+"/.frontdoor/unlock/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, "unlock")}})
	if u.Path != "/.frontdoor/unlock/step" || !strings.Contains(body, `name="method" value="email"`) {
		t.Fatalf("after identify: %s\n%s", u, body)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/unlock/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
	msg, err := mp.WaitFor(ctx, mail, 15*time.Second, func(m testenv.Mail) bool { return codeRE.MatchString(m.Text) })
	if err != nil {
		t.Fatal(err)
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/unlock/verify", url.Values{
		"csrf_token": {csrf(t, body)}, "code": {codeRE.FindStringSubmatch(msg.Text)[1]}})
	body = textGate(t, fd, c, "unlock", login, body) // privileged accounts pass two
	if !strings.Contains(body, "Unlock my account") || !strings.Contains(body, "rather reset my password") {
		t.Fatalf("after the code: no unlock confirmation with the reset choice\n%s", body)
	}
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/unlock/confirm", url.Values{"csrf_token": {csrf(t, body)}})
	if status != http.StatusOK {
		t.Fatalf("confirm: status %d\n%s", status, body)
	}
	return body
}

func TestUnlockEndToEnd(t *testing.T) {
	cfg := testConfig(t)
	cfg.Unlock.DailyCap = 1
	helpdesk := helpdeskAddress(t)
	cfg.Helpdesk = &config.Helpdesk{Email: helpdesk}
	fd := startFrontdoor(t, cfg)
	login, mail, password := slapdUser(t)
	bind := func(pw string) error { return slapdBind(t, login, pw) }

	slapdLockOut(t, login, password)
	body := unlockWalk(t, fd, login, mail)
	if !strings.Contains(body, unlockedGeneric) {
		t.Fatalf("no unlock outcome page:\n%s", body)
	}
	if back := backLink(t, body); !strings.HasPrefix(back, fd.URL+"/simplesaml/") {
		t.Fatalf("back link %q is not the sign-in page", back)
	}
	if err := bind(password); err != nil {
		t.Fatalf("the old password does not bind after the unlock: %v", err)
	}
	if _, err := testenv.Mailpit(t).WaitFor(context.Background(), mail, 15*time.Second, func(m testenv.Mail) bool {
		return strings.Contains(m.Subject, "unlocked") && strings.Contains(m.Text, "did not change") &&
			strings.Contains(m.Text, "This was done from the network address 127.0.0.1.")
	}); err != nil {
		t.Fatalf("no unlock notice to the user that says where the unlock came from: %v", err)
	}

	// The daily cap (1 here) holds: a second lock stays.
	slapdLockOut(t, login, password)
	body = unlockWalk(t, fd, login, mail)
	if !strings.Contains(body, unlockCapped) {
		t.Fatalf("second unlock of the day not refused:\n%s", body)
	}
	if err := bind(password); err == nil {
		t.Fatal("the capped unlock unlocked the account")
	}
	// The helpdesk hears of it, once a day: a third try adds no mail.
	mp := testenv.Mailpit(t)
	alert, err := mp.WaitFor(context.Background(), helpdesk, 15*time.Second, func(m testenv.Mail) bool {
		return strings.Contains(m.Text, "The account "+login+" reached its limit of self-service unlocks for 24 hours (1)")
	})
	if err != nil {
		t.Fatalf("no alert of the cap: %v", err)
	}
	if alert.Subject != login+" reached its daily limit of self-service unlocks" {
		t.Errorf("alert subject %q", alert.Subject)
	}
	if body := unlockWalk(t, fd, login, mail); !strings.Contains(body, unlockCapped) {
		t.Fatalf("third unlock of the day not refused:\n%s", body)
	}
	time.Sleep(time.Second)
	if msgs, err := mp.Messages(context.Background(), helpdesk); err != nil || len(msgs) != 1 {
		t.Fatalf("%d alerts (%v) after two refused unlocks; want 1", len(msgs), err)
	}
}

// TestUnlockNotLocked: in generic mode an account that was not locked ends
// on the same page as a locked one; descriptive mode says it was not locked.
func TestUnlockNotLocked(t *testing.T) {
	tests := []struct{ mode, want string }{
		{"generic", unlockedGeneric},
		{"descriptive", "Your account was not locked."},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Reset.Disclosure = config.Disclosure(tt.mode)
			fd := startFrontdoor(t, cfg)
			login, mail, password := slapdUser(t)
			if body := unlockWalk(t, fd, login, mail); !strings.Contains(body, tt.want) {
				t.Fatalf("not-locked account: want %q in:\n%s", tt.want, body)
			}
			if err := slapdBind(t, login, password); err != nil {
				t.Fatalf("bind after unlocking an unlocked account: %v", err)
			}
		})
	}
}

// TestUnlockNeverClearsAdministrativeLock: the fixture permlocked user, with
// OpenLDAP's permanent lock, is sent to the administrator (descriptive mode)
// or walks on receiving nothing (generic mode); its lock stays.
func TestUnlockNeverClearsAdministrativeLock(t *testing.T) {
	for _, mode := range []config.Disclosure{config.DisclosureDescriptive, config.DisclosureGeneric} {
		t.Run(string(mode), func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Reset.Disclosure = mode
			fd := startFrontdoor(t, cfg)
			c := browser(t)
			_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/unlock", nil)
			_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/unlock/identify", url.Values{
				"csrf_token": {csrf(t, body)}, "login": {"permlocked"}, "captcha": {fd.captchaAnswer(t, c, "unlock")}})
			if mode == "descriptive" {
				if !strings.Contains(body, adminLocked) || !strings.Contains(body, `href="/.frontdoor/helpdesk"`) {
					t.Fatalf("permanently locked user not sent to the administrator:\n%s", body)
				}
			} else {
				if strings.Contains(body, adminLocked) || !strings.Contains(body, `name="method" value="email"`) {
					t.Fatalf("generic mode told about the lock:\n%s", body)
				}
				_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/unlock/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}})
				_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/unlock/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {"00000000"}})
				if !strings.Contains(body, "Check it and try again") {
					t.Fatalf("a guessed code was not refused:\n%s", body)
				}
			}
			if got := fd.flowStep(t, c, "unlock"); got == "confirm" || got == "done" {
				t.Fatalf("flow reached %q", got)
			}
			if lock := slapdLockTime(t, "permlocked"); lock != "000001010000Z" {
				t.Fatalf("permlocked's pwdAccountLockedTime = %q; want the administrative lock", lock)
			}
		})
	}
}

// slapdLockTime reads a user's pwdAccountLockedTime as the rootdn.
func slapdLockTime(t *testing.T, login string) string {
	base := testenv.Require(t, "slapd", "SLAPD_BASE_DN")[0]
	res, err := slapdRoot(t).Search(ldap.NewSearchRequest("uid="+login+",ou=people,"+base, ldap.ScopeBaseObject,
		ldap.NeverDerefAliases, 1, 0, false, "(objectClass=*)", []string{"pwdAccountLockedTime"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	return res.Entries[0].GetAttributeValue("pwdAccountLockedTime")
}

// TestUnlockEndToEndActiveDirectory locks a throwaway Samba AD user by failed
// binds and unlocks it through frontdoor; the old password binds again.
func TestUnlockEndToEndActiveDirectory(t *testing.T) {
	cfg := testConfig(t)
	cfg.Directory = adDirectory(t)
	fd := startFrontdoor(t, cfg)
	login, mail, password := adUser(t)
	bind := func(pw string) error {
		c, err := adConn(t, login+"@example.test", pw)
		if err == nil {
			c.Close()
		}
		return err
	}
	lockByFailedBinds(t, bind, password)
	var le *ldap.Error
	if err := bind(password); !errors.As(err, &le) {
		t.Fatalf("locked account: %v", err)
	}
	body := unlockWalk(t, fd, login, mail)
	if !strings.Contains(body, unlockedGeneric) {
		t.Fatalf("no unlock outcome page:\n%s", body)
	}
	if err := bind(password); err != nil {
		t.Fatalf("the old password does not bind at the domain controller after the unlock: %v", err)
	}
}

// TestUnlockStepsCannotBeSkipped: the unlock is refused until the gates are
// passed, and a locked account stays locked.
func TestUnlockStepsCannotBeSkipped(t *testing.T) {
	fd := startFrontdoor(t, nil)
	login, _, password := slapdUser(t)
	slapdLockOut(t, login, password)
	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/unlock", nil)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/unlock/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, "unlock")}})
	status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/unlock/confirm", url.Values{"csrf_token": {csrf(t, body)}})
	if status != http.StatusConflict {
		t.Fatalf("confirm before the code: status %d; want 409", status)
	}
	if got := fd.flowStep(t, c, "unlock"); got != "method" {
		t.Fatalf("flow step %q after the refused unlock; want method", got)
	}
	if err := slapdBind(t, login, password); err == nil {
		t.Fatal("the account was unlocked without the gates")
	}
}
