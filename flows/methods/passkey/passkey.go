package passkey

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// Name is the method's config name and its registration section.
const Name = "passkey"

// KindPasskey is the challenge kind of the passkey page.
const KindPasskey = methods.KindPasskey

const (
	challengeTTL = 5 * time.Minute
	tries        = 5
	seqWindow    = 20 * time.Minute
	// maxResponse bounds the assertion a form may carry.
	maxResponse = 8 << 10
)

// Registration is the user's "passkey" section.
type Registration struct {
	// Handle is the WebAuthn user handle: random, never the account ID.
	Handle      []byte                `json:"handle"`
	Credentials []webauthn.Credential `json:"credentials,omitempty"`
	// Pending is a registration ceremony begun and not finished.
	Pending   *webauthn.SessionData `json:"pending,omitempty"`
	PendingAt time.Time             `json:"pending_at,omitzero"`
}

// Passkey is the passkey method.
type Passkey struct {
	Registrations methods.Registrations
	Codes         store.Codes
	Limits        store.Limits
	Secret        []byte
	Now           func() time.Time
	WebAuthn      *webauthn.WebAuthn
}

var (
	_ methods.Method    = (*Passkey)(nil)
	_ methods.Presenter = (*Passkey)(nil)
	_ methods.Scripted  = (*Passkey)(nil)
	_ methods.Weakness  = (*Passkey)(nil)
)

// Name implements methods.Method.
func (*Passkey) Name() string { return Name }

// Kind implements methods.Method.
func (*Passkey) Kind() methods.Kind { return KindPasskey }

// Scripted implements methods.Scripted: the page calls WebAuthn.
func (*Passkey) Scripted() bool { return true }

// Weak implements methods.Weakness: a passkey is a strong method.
func (*Passkey) Weak() bool { return false }

// Hint implements methods.Method: usable with a registered passkey.
func (p *Passkey) Hint(ctx context.Context, u idp.User) (string, bool) {
	if p.Registrations == nil {
		return "", false
	}
	reg, err := p.registration(ctx, u.ID)
	return "", err == nil && len(reg.Credentials) > 0
}

func (p *Passkey) registration(ctx context.Context, userID string) (Registration, error) {
	var reg Registration
	_, err := p.Registrations.Section(ctx, userID, Name, &reg)
	return reg, err
}

// user is a webauthn.User.
type user struct {
	handle []byte
	name   string
	creds  []webauthn.Credential
}

func (u user) WebAuthnID() []byte                         { return u.handle }
func (u user) WebAuthnName() string                       { return u.name }
func (u user) WebAuthnDisplayName() string                { return u.name }
func (u user) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// Challenge is what the passkey page gives the browser.
type Challenge struct {
	// Options is the PublicKeyCredentialRequestOptions as JSON
	// ({"publicKey": ...}), for navigator.credentials.get.
	Options string
}

// Start implements methods.Method: a new challenge for the gate, the same
// store work for every target.
func (p *Passkey) Start(ctx context.Context, t methods.Target) error {
	if _, _, _, err := p.Limits.Hit(ctx, p.seqKey(t), seqWindow, 1000); err != nil {
		return fmt.Errorf("passkey: count challenges: %w", err)
	}
	err := p.Codes.Put(ctx, store.Code{FlowID: t.FlowID, Method: Name, Purpose: t.Purpose,
		Hash: p.digest("slot", t.FlowID, t.Purpose), ExpiresAt: p.Now().Add(challengeTTL), TriesLeft: tries})
	if err != nil {
		return fmt.Errorf("passkey: store challenge: %w", err)
	}
	return nil
}

// Challenge implements methods.Presenter.
func (p *Passkey) Challenge(ctx context.Context, t methods.Target) (any, error) {
	u, _, err := p.subject(ctx, t)
	if err != nil {
		return nil, err
	}
	_, assertion, err := p.session(ctx, t, u)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(assertion)
	if err != nil {
		return nil, err
	}
	return Challenge{Options: string(b)}, nil
}

// Verify implements methods.Method: the form's "credential" field is the
// browser's PublicKeyCredential as JSON.
func (p *Passkey) Verify(ctx context.Context, t methods.Target, form url.Values) error {
	u, reg, err := p.subject(ctx, t)
	if err != nil {
		return err
	}
	session, _, err := p.session(ctx, t, u)
	if err != nil {
		return err
	}
	var parsed *protocol.ParsedCredentialAssertionData
	if raw := form.Get("credential"); len(raw) <= maxResponse {
		parsed, _ = protocol.ParseCredentialRequestResponseBytes([]byte(raw))
	}
	var cred *webauthn.Credential
	res, err := p.Codes.Verify(ctx, t.FlowID, Name, t.Purpose, func([]byte) bool {
		if parsed == nil || reg == nil {
			return false
		}
		if len(parsed.Response.UserHandle) == 0 {
			return false // a discoverable passkey always names its account
		}
		c, err := p.WebAuthn.ValidateLogin(u, *session, parsed)
		cred = c
		return err == nil && c.Flags.UserVerified
	})
	if err := methods.Outcome(res, err); err != nil {
		return err
	}
	return p.keep(ctx, t.User.ID, *reg, *cred)
}

// keep stores the credential's new sign count.
func (p *Passkey) keep(ctx context.Context, userID string, reg Registration, c webauthn.Credential) error {
	for i := range reg.Credentials {
		if string(reg.Credentials[i].ID) == string(c.ID) {
			reg.Credentials[i] = c
		}
	}
	if err := p.Registrations.SetSection(ctx, userID, Name, reg); err != nil {
		return fmt.Errorf("passkey: store sign count: %w", err)
	}
	return nil
}

// subject is whom the ceremony is for: the account's passkeys, or decoys
// derived from t.Key that no authenticator holds (reg is then nil).
func (p *Passkey) subject(ctx context.Context, t methods.Target) (user, *Registration, error) {
	if t.User != nil && p.Registrations != nil {
		reg, err := p.registration(ctx, t.User.ID)
		if err != nil {
			return user{}, nil, fmt.Errorf("passkey: read registration: %w", err)
		}
		if len(reg.Credentials) > 0 {
			return user{handle: reg.Handle, name: t.User.Login, creds: reg.Credentials}, &reg, nil
		}
	}
	decoy := webauthn.Credential{ID: p.digest("decoy credential", t.Key)}
	return user{handle: p.digest("decoy handle", t.Key), name: "-", creds: []webauthn.Credential{decoy}}, nil, nil
}

// session rebuilds the login ceremony of t's current challenge.
func (p *Passkey) session(ctx context.Context, t methods.Target, u user) (*webauthn.SessionData, *protocol.CredentialAssertion, error) {
	seq, err := p.Limits.Count(ctx, p.seqKey(t), seqWindow)
	if err != nil {
		return nil, nil, fmt.Errorf("passkey: count challenges: %w", err)
	}
	// No allowCredentials: the list would tell a real account (its passkeys'
	// number, ID lengths and transports) from the stand-in an unknown ID
	// gets. The authenticator offers its discoverable passkeys for this
	// site, and Verify checks that the one used is the account's, by its ID
	// and its user handle.
	assertion, session, err := p.WebAuthn.BeginLogin(u,
		webauthn.WithChallenge(p.digest("challenge", t.FlowID, t.Purpose, strconv.Itoa(seq))),
		webauthn.WithUserVerification(protocol.VerificationRequired),
		webauthn.WithAllowedCredentials(nil))
	if err != nil {
		return nil, nil, fmt.Errorf("passkey: begin login: %w", err)
	}
	return session, assertion, nil
}

func (p *Passkey) seqKey(t methods.Target) string {
	return "passkey:seq:" + fmt.Sprintf("%x", p.digest("seq", t.FlowID, t.Purpose)[:16])
}

func (p *Passkey) digest(parts ...string) []byte {
	h := hmac.New(sha256.New, p.Secret)
	h.Write([]byte("passkey"))
	for _, s := range parts {
		h.Write([]byte{0})
		h.Write([]byte(s))
	}
	return h.Sum(nil)
}
