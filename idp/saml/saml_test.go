package saml

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"html"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	crewjam "github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/session"
)

// testIdP is crewjam/saml's own identity provider in process (a test double
// for the unit tests; the end-to-end tests in server use SimpleSAMLphp). Its
// assertions can be altered before they are signed.
type testIdP struct {
	idp   *crewjam.IdentityProvider
	alter func(*crewjam.Assertion)
	sp    *crewjam.EntityDescriptor
}

func (t *testIdP) GetSession(w http.ResponseWriter, r *http.Request, req *crewjam.IdpAuthnRequest) *crewjam.Session {
	return &crewjam.Session{ID: "s1", NameID: "transient-123", NameIDFormat: string(crewjam.TransientNameIDFormat),
		UserName: "alice", CreateTime: time.Now(), ExpireTime: time.Now().Add(time.Hour), Index: "1"}
}

func (t *testIdP) GetServiceProvider(r *http.Request, id string) (*crewjam.EntityDescriptor, error) {
	return t.sp, nil
}

func (t *testIdP) MakeAssertion(req *crewjam.IdpAuthnRequest, s *crewjam.Session) error {
	if err := (crewjam.DefaultAssertionMaker{}).MakeAssertion(req, s); err != nil {
		return err
	}
	if t.alter != nil {
		t.alter(req.Assertion)
	}
	return nil
}

func keyPair(t *testing.T, cn string) (*rsa.PrivateKey, *x509.Certificate) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert
}

var (
	respRE  = regexp.MustCompile(`name="SAMLResponse" value="([^"]*)"`)
	relayRE = regexp.MustCompile(`name="RelayState" value="([^"]*)"`)
)

func setup(t *testing.T) (*SP, *testIdP) {
	ik, ic := keyPair(t, "idp")
	ti := &testIdP{}
	ti.idp = &crewjam.IdentityProvider{Key: ik, Signer: ik, Certificate: ic,
		MetadataURL:             url.URL{Scheme: "https", Host: "idp.test", Path: "/metadata"},
		SSOURL:                  url.URL{Scheme: "https", Host: "idp.test", Path: "/sso"},
		ServiceProviderProvider: ti, SessionProvider: ti, AssertionMaker: ti, SignatureMethod: dsig.RSASHA256SignatureMethod}
	md, err := xml.Marshal(ti.idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	sk, sc := keyPair(t, "sp")
	m, _ := session.New(session.Options{Keys: [][]byte{bytes.Repeat([]byte("k"), 32)}})
	used := map[string]bool{}
	sp, err := New(Config{MetadataURL: "https://fd.test/.frontdoor/saml/metadata", ACSURL: "https://fd.test/.frontdoor/saml/acs",
		IDPMetadata: md, UserAttribute: "uid", Key: sk, Certificate: sc, State: m.Pending("saml", true),
		Once: func(_ context.Context, k string) (bool, error) { first := !used[k]; used[k] = true; return first, nil }})
	if err != nil {
		t.Fatal(err)
	}
	ti.sp = sp.metadata()
	return sp, ti
}

// signIn runs Start, the IdP and returns the ACS request with the browser's cookies.
func signIn(t *testing.T, sp *SP, ti *testIdP, maxAge time.Duration) (*http.Request, []*http.Cookie) {
	w := httptest.NewRecorder()
	if err := sp.Start(w, httptest.NewRequest("GET", "/signin", nil), idp.SignInRequest{ReturnTo: "/.frontdoor/change", MaxAge: maxAge}); err != nil {
		t.Fatal(err)
	}
	loc := w.Header().Get("Location")
	if !strings.Contains(loc, "SigAlg="+url.QueryEscape(dsig.RSASHA256SignatureMethod)) {
		t.Errorf("the request is not signed with RSA-SHA256: %s", loc)
	}
	iw := httptest.NewRecorder()
	ti.idp.ServeSSO(iw, httptest.NewRequest("GET", loc, nil))
	body := iw.Body.String()
	r, rs := respRE.FindStringSubmatch(body), relayRE.FindStringSubmatch(body)
	if r == nil || rs == nil {
		t.Fatalf("IdP answered %d:\n%s", iw.Code, body)
	}
	form := url.Values{"SAMLResponse": {html.UnescapeString(r[1])}, "RelayState": {html.UnescapeString(rs[1])}}
	return acs(form, w.Result().Cookies()), w.Result().Cookies()
}

func acs(form url.Values, cookies []*http.Cookie) *http.Request {
	req := httptest.NewRequest("POST", "https://fd.test/.frontdoor/saml/acs", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return req
}

func TestFinish(t *testing.T) {
	cases := []struct {
		name   string
		alter  func(*crewjam.Assertion)
		sha1   bool
		maxAge time.Duration
		ok     bool
	}{
		{name: "good", ok: true},
		{name: "recent", maxAge: time.Minute, ok: true},
		{name: "audience", alter: func(a *crewjam.Assertion) {
			a.Conditions.AudienceRestrictions = []crewjam.AudienceRestriction{{Audience: crewjam.Audience{Value: "https://other.test/metadata"}}}
		}},
		{name: "expired", alter: func(a *crewjam.Assertion) { a.Conditions.NotOnOrAfter = time.Now().Add(-time.Hour) }},
		{name: "old sign-in", maxAge: time.Minute, alter: func(a *crewjam.Assertion) { a.AuthnStatements[0].AuthnInstant = time.Now().Add(-time.Hour) }},
		{name: "no uid", alter: func(a *crewjam.Assertion) { a.AttributeStatements = nil }},
		{name: "sha1", sha1: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sp, ti := setup(t)
			ti.alter = tc.alter
			if tc.sha1 {
				ti.idp.SignatureMethod = dsig.RSASHA1SignatureMethod
			}
			req, _ := signIn(t, sp, ti, tc.maxAge)
			id, err := sp.Finish(httptest.NewRecorder(), req)
			if tc.ok {
				if err != nil || id.Login != "alice" || id.ReturnTo != "/.frontdoor/change" {
					t.Fatalf("Finish = %+v, %v", id, err)
				}
				return
			}
			if !errors.Is(err, idp.ErrSignIn) {
				t.Errorf("Finish = %+v, %v; want ErrSignIn", id, err)
			}
			t.Logf("refused: %v", err)
		})
	}
}

// The same assertion twice is refused even with the pending cookie copied:
// the replay cache remembers its ID.
func TestReplay(t *testing.T) {
	sp, ti := setup(t)
	req, cookies := signIn(t, sp, ti, 0)
	body, _ := url.ParseQuery(readBody(t, req))
	if _, err := sp.Finish(httptest.NewRecorder(), acs(body, cookies)); err != nil {
		t.Fatal(err)
	}
	if _, err := sp.Finish(httptest.NewRecorder(), acs(body, cookies)); !errors.Is(err, idp.ErrSignIn) || !strings.Contains(err.Error(), "already been used") {
		t.Errorf("replay: %v", err)
	}
	// An answer with no request of this browser (IdP-initiated) is refused.
	if _, err := sp.Finish(httptest.NewRecorder(), acs(body, nil)); !errors.Is(err, idp.ErrSignIn) {
		t.Errorf("unsolicited: %v", err)
	}
}

func readBody(t *testing.T, r *http.Request) string {
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

func TestAssertionSigned(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	const ns = `xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"`
	cases := map[string]bool{
		`<samlp:Response ` + ns + `><saml:Assertion><ds:Signature/></saml:Assertion></samlp:Response>`:                  true,
		`<samlp:Response ` + ns + `><ds:Signature/><saml:Assertion></saml:Assertion></samlp:Response>`:                  false,
		`<samlp:Response ` + ns + `><saml:Assertion><ds:Signature/></saml:Assertion><saml:Assertion/></samlp:Response>`: false,
		`<samlp:Response ` + ns + `><saml:EncryptedAssertion/></samlp:Response>`:                                        false,
		`not xml`: false,
	}
	for doc, want := range cases {
		if err := assertionSigned(enc(doc)); (err == nil) != want {
			t.Errorf("%s: %v, want ok %v", doc, err, want)
		}
	}
	if assertionSigned("%%%") == nil {
		t.Error("bad base64 accepted")
	}
}
