package server

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// adPhoneUser is adUser with a mobile number of its own (a US 555-01xx
// number, reserved for fiction), written in AD's mobile attribute as people
// write it; it returns the number in E.164 too.
func adPhoneUser(t *testing.T) (login, mail, password, mobile string) {
	t.Helper()
	login, mail, password = adUser(t)
	n, _ := rand.Int(rand.Reader, big.NewInt(100))
	mobile = fmt.Sprintf("+1415555%04d", 100+n.Int64())
	v := testenv.Require(t, "samba", "SAMBA_ADMIN_DN", "SAMBA_ADMIN_PASSWORD", "SAMBA_BASE_DN")
	c, err := adConn(t, v[0], v[1])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mod := ldap.NewModifyRequest("CN="+login+",CN=Users,"+v[2], nil)
	mod.Replace("mobile", []string{"(415) 555-" + mobile[len(mobile)-4:]})
	if err := c.Modify(mod); err != nil {
		t.Fatal(err)
	}
	return login, mail, password, mobile
}

// TestTwoGateResetTextActiveDirectory is the two-gate reset (email, then a
// text through Kannel read at the SMSC) with Samba AD as the directory: the
// number comes from AD's mobile attribute and the new password binds at the
// domain controller.
func TestTwoGateResetTextActiveDirectory(t *testing.T) {
	kn := testenv.RequireKannel(t)
	cfg := textConfig(t, []string{"email", "mobile_text"}, 2)
	cfg.Directory = adDirectory(t)
	fd := startFrontdoor(t, cfg)
	login, mail, oldPassword, mobile := adPhoneUser(t)
	c := browser(t)

	body := fd.identify(t, c, login)
	if !strings.Contains(body, "Verification step 1 of 2") {
		t.Fatalf("first method page:\n%s", body)
	}
	body = fd.emailGate(t, c, body, mail)
	if !strings.Contains(body, "Verification step 2 of 2") || strings.Contains(body, `value="email"`) {
		t.Fatalf("second method page:\n%s", body)
	}
	if status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"email"}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("email as the second gate: %d", status)
	}
	before := len(kn.Texts(t, mobile))
	_, body = fd.askNumber(t, c, body, "+1 415 555 "+mobile[len(mobile)-4:])
	m := textCodeRE.FindStringSubmatch(kn.WaitText(t, mobile, before).Body)
	if m == nil {
		t.Fatal("no code in the text")
	}
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {csrf(t, body)}, "code": {m[1]}})
	if !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("after the texted code: no new-password form\n%s", body)
	}
	pw := "Domain-Lantern-" + strings.ToLower(rand.Text()[:6]) + "7!"
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("no confirmation page:\n%s", body)
	}
	adPasswordIs(t, login, pw, oldPassword)
}
