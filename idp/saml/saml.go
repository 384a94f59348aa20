package saml

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/beevik/etree"
	crewjam "github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Config configures a service provider.
type Config struct {
	// EntityID is the SP's entity ID; MetadataURL when empty.
	EntityID    string
	MetadataURL string
	ACSURL      string
	// IDPMetadata is the IdP's metadata document (XML).
	IDPMetadata []byte
	// UserAttribute names the attribute (Name or FriendlyName) looked up in the directory.
	UserAttribute string
	Key           crypto.Signer
	Certificate   *x509.Certificate
	// State keeps the request IDs in the browser that started the sign-in.
	State idp.BrowserState
	// Once reports whether key is seen for the first time (store-backed).
	Once func(ctx context.Context, key string) (bool, error)
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// SP is a SAML service provider. It implements idp.SignIn.
type SP struct {
	cfg Config
	sp  *crewjam.ServiceProvider
}

var _ idp.SignIn = (*SP)(nil)

const skew = time.Minute

// New parses the IdP metadata and returns the service provider.
func New(c Config) (*SP, error) {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.State == nil || c.Once == nil {
		return nil, errors.New("saml: browser state and replay check are required")
	}
	md := &crewjam.EntityDescriptor{}
	if err := xml.Unmarshal(c.IDPMetadata, md); err != nil {
		return nil, fmt.Errorf("saml: IdP metadata: %w", err)
	}
	meta, err := url.Parse(c.MetadataURL)
	if err != nil {
		return nil, fmt.Errorf("saml: metadata URL: %w", err)
	}
	acs, err := url.Parse(c.ACSURL)
	if err != nil {
		return nil, fmt.Errorf("saml: ACS URL: %w", err)
	}
	if c.EntityID == "" {
		c.EntityID = c.MetadataURL
	}
	sp := &crewjam.ServiceProvider{
		EntityID: c.EntityID, Key: c.Key, Certificate: c.Certificate, MetadataURL: *meta, AcsURL: *acs,
		IDPMetadata: md, AuthnNameIDFormat: crewjam.UnspecifiedNameIDFormat,
		SignatureMethod:                  dsig.RSASHA256SignatureMethod,
		AllowIDPInitiated:                false,
		RejectSHA1Signatures:             true,
		RejectExpiredIDPMetadata:         true,
		AssertionConsumerServiceBindings: []string{crewjam.HTTPPostBinding},
	}
	s := &SP{cfg: c, sp: sp}
	sp.ReplayCache = replayCache{s}
	if sp.GetSSOBindingLocation(crewjam.HTTPRedirectBinding) == "" {
		return nil, errors.New("saml: the IdP metadata has no HTTP-Redirect SingleSignOnService")
	}
	return s, nil
}

// replayCache records assertion IDs through Config.Once.
type replayCache struct{ s *SP }

func (c replayCache) Consume(id string, _ time.Time) error {
	first, err := c.s.cfg.Once(context.Background(), "saml-assertion:"+id)
	if err != nil {
		return err
	}
	if !first {
		return crewjam.ErrAssertionReplayed
	}
	return nil
}

// metadata is the SP's metadata without an encryption key: frontdoor takes
// plain, signed assertions (TLS protects them on the way), so that the
// assertion's own signature can be required.
func (s *SP) metadata() *crewjam.EntityDescriptor {
	md := s.sp.Metadata()
	for i := range md.SPSSODescriptors {
		d := &md.SPSSODescriptors[i]
		keep := d.KeyDescriptors[:0]
		for _, k := range d.KeyDescriptors {
			if k.Use != "encryption" {
				keep = append(keep, k)
			}
		}
		d.KeyDescriptors = keep
	}
	return md
}

// Metadata serves the SP's metadata.
func (s *SP) Metadata() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := xml.MarshalIndent(s.metadata(), "", "  ")
		if err != nil {
			http.Error(w, "metadata", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/samlmetadata+xml")
		w.Write(b)
	})
}

type pending struct {
	RequestID string `json:"i"`
	Relay     string `json:"s"`
	ReturnTo  string `json:"r"`
	MaxAge    int64  `json:"m,omitempty"`
	Silent    bool   `json:"q,omitempty"`
}

// Start sends a signed AuthnRequest by the HTTP-Redirect binding; a recent
// sign-in asks for ForceAuthn.
func (s *SP) Start(w http.ResponseWriter, r *http.Request, req idp.SignInRequest) error {
	authn, err := s.sp.MakeAuthenticationRequest(s.sp.GetSSOBindingLocation(crewjam.HTTPRedirectBinding), crewjam.HTTPRedirectBinding, crewjam.HTTPPostBinding)
	if err != nil {
		return fmt.Errorf("saml: authn request: %w", err)
	}
	if req.MaxAge > 0 {
		force := true
		authn.ForceAuthn = &force
	}
	if req.Silent {
		// IsPassive: the IdP answers at once, from its session or with a
		// NoPassive status, never with a page.
		passive := true
		authn.IsPassive = &passive
	}
	p := pending{RequestID: authn.ID, Relay: random(), ReturnTo: req.ReturnTo, MaxAge: int64(req.MaxAge / time.Second), Silent: req.Silent}
	u, err := authn.Redirect(p.Relay, s.sp)
	if err != nil {
		return fmt.Errorf("saml: redirect: %w", err)
	}
	if err := s.cfg.State.Put(w, p); err != nil {
		return err
	}
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
	return nil
}

// Finish checks the POSTed response against the request this browser made.
func (s *SP) Finish(w http.ResponseWriter, r *http.Request) (idp.Identity, error) {
	var p pending
	if err := s.cfg.State.Take(w, r, &p); err != nil {
		return idp.Identity{}, fmt.Errorf("%w: %w", idp.ErrSignIn, err)
	}
	if err := r.ParseForm(); err != nil {
		return idp.Identity{}, fmt.Errorf("%w: form: %w", idp.ErrSignIn, err)
	}
	if subtle.ConstantTimeCompare([]byte(r.PostFormValue("RelayState")), []byte(p.Relay)) != 1 {
		return idp.Identity{}, fmt.Errorf("%w: RelayState does not match this browser's", idp.ErrSignIn)
	}
	// A silent request that fails (NoPassive, or anything else) still brings
	// the page that asked back, to go on without a user.
	failed := idp.Identity{Silent: p.Silent}
	if p.Silent {
		failed.ReturnTo = p.ReturnTo
	}
	if err := assertionSigned(r.PostFormValue("SAMLResponse")); err != nil {
		return failed, fmt.Errorf("%w: %w", idp.ErrSignIn, err)
	}
	a, err := s.sp.ParseResponse(r, []string{p.RequestID})
	if err != nil {
		var ire *crewjam.InvalidResponseError
		if errors.As(err, &ire) && ire.PrivateErr != nil {
			err = ire.PrivateErr
		}
		return failed, fmt.Errorf("%w: %w", idp.ErrSignIn, err)
	}
	var authTime time.Time
	if len(a.AuthnStatements) > 0 {
		authTime = a.AuthnStatements[0].AuthnInstant
	}
	if p.MaxAge > 0 && (authTime.IsZero() || s.cfg.Now().Sub(authTime) > time.Duration(p.MaxAge)*time.Second+skew) {
		return idp.Identity{}, fmt.Errorf("%w: AuthnInstant %v is older than the %ds asked", idp.ErrSignIn, authTime, p.MaxAge)
	}
	if authTime.IsZero() {
		authTime = a.IssueInstant
	}
	login := attribute(a, s.cfg.UserAttribute)
	if login == "" {
		return idp.Identity{}, fmt.Errorf("%w: the assertion has no %s attribute", idp.ErrSignIn, s.cfg.UserAttribute)
	}
	return idp.Identity{Login: login, AuthTime: authTime, ReturnTo: p.ReturnTo, Protocol: "saml", Silent: p.Silent}, nil
}

// assertionSigned refuses a response whose assertion carries no signature
// of its own (a signed Response around an unsigned assertion included).
func assertionSigned(b64 string) error {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return fmt.Errorf("SAMLResponse is not base64: %w", err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		return fmt.Errorf("SAMLResponse is not XML: %w", err)
	}
	root := doc.Root()
	if root == nil {
		return errors.New("empty SAMLResponse")
	}
	as := root.SelectElements("Assertion")
	if len(as) != 1 {
		return fmt.Errorf("the response holds %d assertions, want 1 (encrypted assertions are not configured)", len(as))
	}
	if as[0].SelectElement("Signature") == nil {
		return errors.New("the assertion is not signed")
	}
	return nil
}

// attribute returns the first value of the attribute named name (Name or
// FriendlyName).
func attribute(a *crewjam.Assertion, name string) string {
	for _, st := range a.AttributeStatements {
		for _, at := range st.Attributes {
			if (at.Name == name || at.FriendlyName == name) && len(at.Values) > 0 {
				return at.Values[0].Value
			}
		}
	}
	return ""
}

func random() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
