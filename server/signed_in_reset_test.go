package server

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestResetWhileSignedInAsAnother (O-5): a browser signed in to frontdoor
// (over SAML) as one user resets another user's password, as anyone may
// who proves that account. The reset acts on the account typed and proved
// alone: the other user's password changes, the signed-in user's does not,
// no mail reaches the signed-in user, and the session stays the signed-in
// user's.
func TestResetWhileSignedInAsAnother(t *testing.T) {
	signedIn, signedInMail, signedInPassword := slapdUser(t)
	other, otherMail, otherPassword := slapdUser(t)
	cfg, registerSP := samlConfig(t)
	cfg.Registration = registrationSection("email")
	fd := startFrontdoor(t, cfg)
	registerSP(fd)
	mp := emptyMailbox(t, signedInMail, otherMail)
	ctx := context.Background()

	c := browser(t)
	body := samlSignInAt(t, fd, c, "/.frontdoor/register", signedIn, signedInPassword)
	// An alternate email tells the signed-in user's Security info from the
	// other's, which has none.
	registerEmail(t, fd, c, body, signedIn+"-alt@example.test")
	if _, _, before := page(t, c, "GET", fd.URL+"/.frontdoor/register", nil); strings.Contains(before, "Nothing registered.") {
		t.Fatalf("the alternate email is not on the signed-in user's Security info:\n%s", before)
	}
	// The notice of that change reaches the signed-in user; nothing after it may.
	if _, err := mp.WaitFor(ctx, signedInMail, 15*time.Second, nil); err != nil {
		t.Fatalf("no notice of the new alternate email: %v", err)
	}
	emptyMailbox(t, signedInMail)
	body, code := fd.atCode(t, c, other, otherMail)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {code}})
	const pw = "Signed-In-Bystander-73"
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("no confirmation page:\n%s", body)
	}
	slapdPasswordIs(t, other, pw, otherPassword)
	if err := slapdBind(t, signedIn, signedInPassword); err != nil {
		t.Errorf("the signed-in user's password changed: %v", err)
	}
	// The reset's notice goes to the account reset; once it is in, none
	// went to the signed-in user.
	if _, err := mp.WaitFor(ctx, otherMail, 15*time.Second, func(m testenv.Mail) bool { return strings.Contains(m.Text, "was reset") }); err != nil {
		t.Fatalf("no reset notice to the account reset: %v", err)
	}
	if msgs, err := mp.Messages(ctx, signedInMail); err != nil || len(msgs) != 0 {
		t.Errorf("%d messages to the signed-in user (%v)", len(msgs), err)
	}
	_, _, after := page(t, c, "GET", fd.URL+"/.frontdoor/register", nil)
	if !strings.Contains(after, "Security info") || strings.Contains(after, "Nothing registered.") {
		t.Errorf("after the reset the session is not the signed-in user's:\n%s", after)
	}
}
