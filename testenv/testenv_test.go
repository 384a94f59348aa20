package testenv

import (
	"bufio"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/smtp"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crewjam/saml"
	"github.com/go-ldap/ldap/v3"
)

// fixtureUser is one line of fixtures/users.tsv.
type fixtureUser struct {
	login, password, givenName, sn, mail, mobile, phone string
	flags                                               []string
}

func (u fixtureUser) has(flag string) bool { return slices.Contains(u.flags, flag) }

func readFixtureUsers(t *testing.T) []fixtureUser {
	t.Helper()
	f, err := os.Open(filepath.Join(Root(), "fixtures", "users.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var users []fixtureUser
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 8 {
			t.Fatalf("users.tsv: want 8 columns: %q", line)
		}
		users = append(users, fixtureUser{c[0], c[1], c[2], c[3], c[4], c[5], c[6], strings.Split(c[7], ",")})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return users
}

func dialLDAP(t *testing.T, rawURL, caFile string) *ldap.Conn {
	t.Helper()
	var opts []ldap.DialOpt
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			t.Fatalf("no certificate in %s", caFile)
		}
		u, err := url.Parse(rawURL)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, ldap.DialWithTLSConfig(&tls.Config{RootCAs: pool, ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}))
	}
	conn, err := ldap.DialURL(rawURL, opts...)
	if err != nil {
		t.Fatalf("dial %s: %v", rawURL, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func TestSlapdBinds(t *testing.T) {
	v := Require(t, "slapd", "SLAPD_URL", "SLAPD_LDAPS_URL", "SLAPD_CA_FILE", "SLAPD_BASE_DN", "SLAPD_BIND_DN", "SLAPD_BIND_PASSWORD")
	ldapURL, ldapsURL, caFile, base, bindDN, bindPW := v[0], v[1], v[2], v[3], v[4], v[5]
	localhostURL := strings.Replace(ldapsURL, "127.0.0.1", "localhost", 1)

	tests := []struct {
		name, url, ca, dn, password string
		wantCode                    uint16 // 0: the bind succeeds
	}{
		{"service account over ldap", ldapURL, "", bindDN, bindPW, 0},
		{"service account over ldaps", ldapsURL, caFile, bindDN, bindPW, 0},
		{"service account over ldaps to localhost", localhostURL, caFile, bindDN, bindPW, 0},
		{"service account with a wrong password", ldapURL, "", bindDN, "not-the-password", ldap.LDAPResultInvalidCredentials},
	}
	for _, u := range readFixtureUsers(t) {
		if u.has("demo") {
			continue // `make demo` invites its users to change this password
		}
		want := uint16(0)
		if u.has("locked") || u.has("permlocked") || u.has("disabled") {
			want = ldap.LDAPResultInvalidCredentials
		}
		tests = append(tests, struct {
			name, url, ca, dn, password string
			wantCode                    uint16
		}{"user " + u.login, ldapURL, "", "uid=" + u.login + ",ou=people," + base, u.password, want})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := dialLDAP(t, tt.url, tt.ca).Bind(tt.dn, tt.password)
			switch {
			case tt.wantCode == 0 && err != nil:
				t.Fatalf("bind %s: %v", tt.dn, err)
			case tt.wantCode != 0 && !ldap.IsErrorWithCode(err, tt.wantCode):
				t.Fatalf("bind %s: got %v, want LDAP result %d", tt.dn, err, tt.wantCode)
			}
		})
	}
}

func TestSlapdFixtureEntries(t *testing.T) {
	v := Require(t, "slapd", "SLAPD_URL", "SLAPD_BASE_DN", "SLAPD_BIND_DN", "SLAPD_BIND_PASSWORD")
	conn := dialLDAP(t, v[0], "")
	if err := conn.Bind(v[2], v[3]); err != nil {
		t.Fatal(err)
	}
	base := v[1]
	groupMembers := map[string][]string{}
	for _, g := range []string{"admins", "helpdesk"} {
		res, err := conn.Search(ldap.NewSearchRequest("cn="+g+",ou=groups,"+base, ldap.ScopeBaseObject,
			ldap.NeverDerefAliases, 0, 10, false, "(objectClass=groupOfNames)", []string{"member"}, nil))
		if err != nil {
			t.Fatalf("group %s: %v", g, err)
		}
		groupMembers[g] = res.Entries[0].GetAttributeValues("member")
	}

	for _, u := range readFixtureUsers(t) {
		t.Run(u.login, func(t *testing.T) {
			dn := "uid=" + u.login + ",ou=people," + base
			res, err := conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 10, false,
				"(objectClass=inetOrgPerson)", []string{"cn", "mail", "mobile", "telephoneNumber", "pwdAccountLockedTime", "pwdReset"}, nil))
			if err != nil {
				t.Fatalf("read %s: %v", dn, err)
			}
			e := res.Entries[0]
			attrs := map[string]string{"cn": u.givenName + " " + u.sn, "mail": u.mail, "mobile": u.mobile, "telephoneNumber": u.phone}
			for name, want := range attrs {
				if want == "-" {
					want = ""
				}
				if got := e.GetAttributeValue(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			lockedAt := e.GetAttributeValue("pwdAccountLockedTime")
			switch {
			case u.has("permlocked") || u.has("disabled"):
				if lockedAt != "000001010000Z" {
					t.Errorf("pwdAccountLockedTime = %q, want the permanent lock 000001010000Z", lockedAt)
				}
			case u.has("locked"):
				if _, err := time.Parse("20060102150405Z", lockedAt); err != nil {
					t.Errorf("pwdAccountLockedTime = %q, want the time of a lockout: %v", lockedAt, err)
				}
			case lockedAt != "":
				t.Errorf("pwdAccountLockedTime = %q, want none", lockedAt)
			}
			if got, want := e.GetAttributeValue("pwdReset") == "TRUE", u.has("mustchange"); got != want {
				t.Errorf("pwdReset TRUE: %v, want %v", got, want)
			}
			for flag, group := range map[string]string{"privileged": "admins", "helpdesk": "helpdesk"} {
				if got, want := slices.Contains(groupMembers[group], dn), u.has(flag); got != want {
					t.Errorf("member of %s: %v, want %v", group, got, want)
				}
			}
		})
	}
}

func TestSlapdAnonymousSeesNoUsers(t *testing.T) {
	v := Require(t, "slapd", "SLAPD_URL", "SLAPD_BASE_DN")
	res, err := dialLDAP(t, v[0], "").Search(ldap.NewSearchRequest("ou=people,"+v[1], ldap.ScopeWholeSubtree,
		ldap.NeverDerefAliases, 0, 10, false, "(uid=alice)", []string{"mail"}, nil))
	if err == nil && len(res.Entries) > 0 {
		t.Fatalf("anonymous search found %d entries", len(res.Entries))
	}
}

var authStateRE = regexp.MustCompile(`name="AuthState" value="([^"]*)"`)

func TestSimpleSAMLphpLogin(t *testing.T) {
	v := Require(t, "simplesamlphp", "SIMPLESAMLPHP_URL", "SIMPLESAMLPHP_LOGIN_START", "SIMPLESAMLPHP_LOGIN_PATH")
	base, start, loginPath := v[0], v[1], v[2]
	users := map[string]fixtureUser{}
	for _, u := range readFixtureUsers(t) {
		users[u.login] = u
	}

	tests := []struct {
		login    string
		wantText []string
	}{
		{"alice", []string{"alice@example.test", "Alice Archer", "+447700900001"}},
		// ppolicy lets the bind succeed but allows nothing but a password change, so
		// SimpleSAMLphp fails reading the user's attributes.
		{"mustchange", []string{"Authentication source error", "Operations are restricted"}},
		{"locked", []string{"Incorrect username or password"}},
	}
	for _, tt := range tests {
		t.Run(tt.login, func(t *testing.T) {
			jar, err := cookiejar.New(nil)
			if err != nil {
				t.Fatal(err)
			}
			client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
			page, final := get(t, client, base+start)
			if final.Path != loginPath {
				t.Fatalf("login start ended at %s, want the login form %s", final, loginPath)
			}
			m := authStateRE.FindStringSubmatch(page)
			if m == nil || !strings.Contains(page, `name="username"`) || !strings.Contains(page, `name="password"`) {
				t.Fatalf("no login form with AuthState, username and password at %s", final)
			}
			resp, err := client.PostForm(final.String(), url.Values{
				"AuthState": {html.UnescapeString(m[1])},
				"username":  {tt.login},
				"password":  {users[tt.login].password},
			})
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(string(body), want) {
					t.Errorf("after login at %s: page lacks %q", resp.Request.URL, want)
				}
			}
		})
	}
}

// A reverse proxy in front keeps the browser on its own address: SimpleSAMLphp
// builds its redirects from the Host header, port included.
func TestSimpleSAMLphpRedirectsFollowHost(t *testing.T) {
	v := Require(t, "simplesamlphp", "SIMPLESAMLPHP_URL", "SIMPLESAMLPHP_LOGIN_START", "SIMPLESAMLPHP_LOGIN_PATH")
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for _, host := range []string{"127.0.0.1:8080", "127.0.0.1:8081", "sso.example.test"} {
		t.Run(host, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, v[0]+v[1], nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = host
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := "http://" + host + v[2] + "?AuthState="
			if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.HasPrefix(got, want) {
				t.Fatalf("got %s to %q, want 302 to %s...", resp.Status, got, want)
			}
		})
	}
}

func get(t *testing.T, client *http.Client, rawURL string) (string, *url.URL) {
	t.Helper()
	resp, err := client.Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", resp.Request.URL, resp.Status)
	}
	return string(body), resp.Request.URL
}

func TestMailpitRoundTrip(t *testing.T) {
	mp := Mailpit(t)
	id := time.Now().UnixNano()
	to := fmt.Sprintf("testenv-%d@example.test", id)
	subject := fmt.Sprintf("Your code %d", id)
	msg := "From: frontdoor <frontdoor@example.test>\r\nTo: " + to + "\r\nSubject: " + subject +
		"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYour verification code is 12345678.\r\n"
	if err := smtp.SendMail(mp.SMTPAddr, nil, "frontdoor@example.test", []string{to}, []byte(msg)); err != nil {
		t.Fatalf("send: %v", err)
	}

	ctx := t.Context()
	m, err := mp.WaitFor(ctx, to, 10*time.Second, func(m Mail) bool { return m.Subject == subject })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "code is 12345678") || m.From.Address != "frontdoor@example.test" {
		t.Errorf("got from %q text %q", m.From.Address, m.Text)
	}
	if text, err := mp.Text(ctx, m.ID); err != nil || text != m.Text {
		t.Errorf("Text = %q, %v; want %q", text, err, m.Text)
	}
	list, err := mp.Messages(ctx, to)
	if err != nil || len(list) != 1 || list[0].ID != m.ID {
		t.Fatalf("Messages(%s) = %v, %v; want the one message %s", to, list, err, m.ID)
	}
	if _, err := mp.WaitFor(ctx, to, 300*time.Millisecond, func(m Mail) bool { return m.Subject == "other" }); !errors.Is(err, ErrNoMail) {
		t.Errorf("WaitFor with no match: %v, want ErrNoMail", err)
	}
	if err := mp.Delete(ctx, to); err != nil {
		t.Fatal(err)
	}
	if list, err := mp.Messages(ctx, to); err != nil || len(list) != 0 {
		t.Errorf("after Delete: %d messages, %v", len(list), err)
	}
}

var samlResponseRE = regexp.MustCompile(`name="SAMLResponse" value="([^"]*)"`)

// SimpleSAMLphp is also a SAML 2.0 IdP: a crewjam/saml service provider whose
// metadata is dropped in SIMPLESAMLPHP_SP_METADATA_DIR gets a signed assertion
// naming the user who signed in through the form.
func TestSimpleSAMLphpIdP(t *testing.T) {
	v := Require(t, "simplesamlphp", "SIMPLESAMLPHP_URL", "SIMPLESAMLPHP_IDP_METADATA_PATH", "SIMPLESAMLPHP_SP_METADATA_DIR")
	base, metadataPath, spDir := v[0], v[1], v[2]
	idpXML, _ := get(t, http.DefaultClient, base+metadataPath)
	idp := &saml.EntityDescriptor{}
	if err := xml.Unmarshal([]byte(idpXML), idp); err != nil {
		t.Fatalf("IdP metadata: %v", err)
	}
	if idp.EntityID != "urn:frontdoor:testenv:simplesamlphp" {
		t.Errorf("IdP entity ID = %q", idp.EntityID)
	}

	key, cert := selfSignedRSA(t)
	id := time.Now().UnixNano()
	// Nothing listens at the ACS URL: the test reads the response from the IdP's page.
	acs, _ := url.Parse("http://127.0.0.1:9/saml/acs")
	spMeta, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:9/saml/metadata/%d", id))
	sp := &saml.ServiceProvider{
		EntityID:          spMeta.String(),
		Key:               key,
		Certificate:       cert,
		MetadataURL:       *spMeta,
		AcsURL:            *acs,
		IDPMetadata:       idp,
		AuthnNameIDFormat: saml.UnspecifiedNameIDFormat,
	}
	xmlMeta, err := xml.Marshal(sp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	metaFile := filepath.Join(spDir, fmt.Sprintf("testenv-%d.xml", id))
	if err := os.WriteFile(metaFile, xmlMeta, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(metaFile) })

	authn, err := sp.MakeAuthenticationRequest(sp.GetSSOBindingLocation(saml.HTTPRedirectBinding), saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		t.Fatal(err)
	}
	redirect, err := authn.Redirect("relay-1", sp)
	if err != nil {
		t.Fatal(err)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	page, final := get(t, client, redirect.String())
	m := authStateRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no login form at %s", final)
	}
	resp, err := client.PostForm(final.String(), url.Values{
		"AuthState": {html.UnescapeString(m[1])}, "username": {"alice"}, "password": {"Alice-Start-2026!"},
	})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	r := samlResponseRE.FindStringSubmatch(string(body))
	if r == nil || !strings.Contains(string(body), `action="`+acs.String()+`"`) {
		t.Fatalf("no SAMLResponse form posting to %s in the page after login", acs)
	}

	form := url.Values{"SAMLResponse": {html.UnescapeString(r[1])}, "RelayState": {"relay-1"}}
	req := httptest.NewRequest(http.MethodPost, acs.String(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := req.ParseForm(); err != nil {
		t.Fatal(err)
	}
	assertion, err := sp.ParseResponse(req, []string{authn.ID})
	if err != nil {
		var ire *saml.InvalidResponseError
		if errors.As(err, &ire) {
			err = ire.PrivateErr
		}
		t.Fatalf("parse response: %v", err)
	}
	if got := assertion.Subject.NameID.Value; got != "alice" {
		t.Errorf("NameID = %q, want alice", got)
	}
	attrs := map[string]string{}
	for _, st := range assertion.AttributeStatements {
		for _, a := range st.Attributes {
			if len(a.Values) > 0 {
				attrs[a.Name] = a.Values[0].Value
			}
		}
	}
	if attrs["mail"] != "alice@example.test" || attrs["uid"] != "alice" {
		t.Errorf("attributes = %v, want uid alice and mail alice@example.test", attrs)
	}
}

func selfSignedRSA(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "testenv SAML SP"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}
