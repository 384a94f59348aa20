package server

import (
	"encoding/base32"
	"encoding/json"
	"net/http"
	"net/url"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// kcAddTOTP gives the Keycloak user login an authenticator app credential
// (TOTP, 6 digits, 30 seconds) on the raw key secret, beside its password,
// as the admin API imports them, and returns the user's ID.
func kcAddTOTP(t *testing.T, kc kcEnv, login, password, secret string) string {
	t.Helper()
	resp, b, err := kc.adminDo(http.MethodGet, "/users?exact=true&username="+url.QueryEscape(login), nil)
	var users []struct{ ID string }
	if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(b, &users) != nil || len(users) != 1 {
		t.Fatalf("find %s in Keycloak: %v %s", login, err, b)
	}
	id := users[0].ID
	secretData, _ := json.Marshal(map[string]string{"value": secret})
	credentialData, _ := json.Marshal(map[string]any{"subType": "totp", "digits": 6, "period": 30, "algorithm": "HmacSHA1", "counter": 0})
	resp, b, err = kc.adminDo(http.MethodPost, "/partialImport", map[string]any{
		"ifResourceExists": "OVERWRITE",
		"users": []map[string]any{{"id": id, "username": login, "email": login + "@example.test", "emailVerified": true,
			"enabled": true, "firstName": "Tess", "lastName": "Throwaway",
			"credentials": []map[string]any{
				{"type": "password", "value": password, "temporary": false},
				{"type": "otp", "userLabel": "phone", "secretData": string(secretData), "credentialData": string(credentialData)},
			}}},
	})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("give %s an authenticator in Keycloak: %v %s", login, err, b)
	}
	return id
}

// kcCredentialTypes lists the types of the user's credentials.
func kcCredentialTypes(t *testing.T, kc kcEnv, id string) []string {
	t.Helper()
	resp, b, err := kc.adminDo(http.MethodGet, "/users/"+path.Base(id)+"/credentials", nil)
	var creds []struct{ Type string }
	if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(b, &creds) != nil {
		t.Fatalf("credentials of %s: %v %s", id, err, b)
	}
	var types []string
	for _, c := range creds {
		types = append(types, c.Type)
	}
	return types
}

// TestKeycloakResetKeepsSecondFactor (O-4): a user with an authenticator
// app at Keycloak resets the password through frontdoor with an emailed
// code alone. The reset changes the password and nothing else: the
// authenticator stays, and Keycloak still asks for its code at sign-in, so
// the reset does not lower what signing in takes.
func TestKeycloakResetKeepsSecondFactor(t *testing.T) {
	kc := kcTestenv(t)
	fd := startFrontdoor(t, keycloakConfig(t, kc))
	login, mail, oldPassword := kcUser(t, kc)
	const secret = "frontdoor-o4-secret-20b"
	id := kcAddTOTP(t, kc, login, oldPassword, secret)
	if types := strings.Join(kcCredentialTypes(t, kc, id), " "); !strings.Contains(types, "password") || !strings.Contains(types, "otp") {
		t.Fatalf("credentials before the reset: %s; want the password and the authenticator", types)
	}
	code := func(at time.Time) string {
		t.Helper()
		c, err := totp.GenerateCodeCustom(base32.StdEncoding.EncodeToString([]byte(secret)), at,
			totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Before: the password alone does not sign in; with the code it does.
	if err := kc.signInWithCode(login, oldPassword, ""); err == nil {
		t.Fatal("Keycloak signs the user with an authenticator in without its code: the test proves nothing")
	}
	if err := kc.signInWithCode(login, oldPassword, code(time.Now())); err != nil {
		t.Fatalf("sign-in with the password and the authenticator's code before the reset: %v", err)
	}

	c := browser(t)
	_, _, body := page(t, c, "GET", fd.URL+kcSignInPage(kc), nil)
	i := strings.Index(body, "/realms/"+kc.realm+"/login-actions/reset-credentials")
	if i < 0 {
		t.Fatalf("no Forgot Password link on Keycloak's sign-in page:\n%s", body)
	}
	body = kcWalk(t, fd, c, "reset", fd.URL+htmlUnescape(body[i:i+strings.IndexByte(body[i:], '"')]), login, mail)
	const newPassword = "Second-Factor-Lantern-58"
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{
		"csrf_token": {csrf(t, body)}, "password": {newPassword}, "confirm": {newPassword}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("no confirmation page:\n%s", body)
	}

	if types := kcCredentialTypes(t, kc, id); !strings.Contains(strings.Join(types, " "), "otp") {
		t.Errorf("the authenticator is gone after the reset: credentials %v", types)
	}
	if err := kc.signInWithCode(login, newPassword, ""); err == nil {
		t.Error("after the reset the new password alone signs in: the second factor was lost")
	}
	// Keycloak takes each code once, and the next period's too (its look-around window).
	if err := kc.signInWithCode(login, newPassword, code(time.Now().Add(30*time.Second))); err != nil {
		t.Errorf("sign-in with the new password and the authenticator's code: %v", err)
	}
}
