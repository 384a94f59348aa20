package passkey

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

// ErrNoCeremony means FinishRegistration found no registration begun.
var ErrNoCeremony = errors.New("passkey: no registration in progress")

// ErrRefused means the browser's answer to the registration did not verify
// (another origin, no user verification, a replayed challenge, ...).
var ErrRefused = errors.New("passkey: the passkey could not be registered")

// BeginRegistration starts registering a passkey for u and returns the
// PublicKeyCredentialCreationOptions as JSON ({"publicKey": ...}) for
// navigator.credentials.create. User verification is required; passkeys u
// already has are excluded.
func (p *Passkey) BeginRegistration(ctx context.Context, u idp.User) ([]byte, error) {
	reg, err := p.registration(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("passkey: read registration: %w", err)
	}
	if len(reg.Handle) == 0 {
		reg.Handle = make([]byte, 32)
		if _, err := rand.Read(reg.Handle); err != nil {
			return nil, err
		}
	}
	wu := user{handle: reg.Handle, name: u.Login, creds: reg.Credentials}
	var exclude []protocol.CredentialDescriptor
	for _, c := range reg.Credentials {
		exclude = append(exclude, c.Descriptor())
	}
	creation, session, err := p.WebAuthn.BeginRegistration(wu,
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, UserVerification: protocol.VerificationRequired}),
		webauthn.WithExclusions(exclude))
	if err != nil {
		return nil, fmt.Errorf("passkey: begin registration: %w", err)
	}
	reg.Pending, reg.PendingAt = session, p.Now()
	if err := p.Registrations.SetSection(ctx, u.ID, Name, reg); err != nil {
		return nil, fmt.Errorf("passkey: store registration: %w", err)
	}
	return json.Marshal(creation)
}

// FinishRegistration checks the browser's answer (the PublicKeyCredential
// as JSON) and adds the passkey to u's.
func (p *Passkey) FinishRegistration(ctx context.Context, u idp.User, response []byte) (methods.Change, error) {
	reg, err := p.registration(ctx, u.ID)
	if err != nil {
		return methods.Change{}, fmt.Errorf("passkey: read registration: %w", err)
	}
	if reg.Pending == nil || p.Now().Sub(reg.PendingAt) > challengeTTL {
		return methods.Change{}, ErrNoCeremony
	}
	session := *reg.Pending
	reg.Pending, reg.PendingAt = nil, time.Time{} // one answer per ceremony, right or wrong
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	var cred *webauthn.Credential
	if err == nil {
		cred, err = p.WebAuthn.CreateCredential(user{handle: reg.Handle, name: u.Login, creds: reg.Credentials}, session, parsed)
	}
	if err == nil && !cred.Flags.UserVerified {
		err = errors.New("no user verification")
	}
	action := methods.ChangeRegistered
	if err == nil {
		if len(reg.Credentials) > 0 {
			action = methods.ChangeReplaced
		}
		reg.Credentials = append(reg.Credentials, *cred)
	}
	if serr := p.Registrations.SetSection(ctx, u.ID, Name, reg); serr != nil {
		return methods.Change{}, fmt.Errorf("passkey: store registration: %w", serr)
	}
	if err != nil {
		return methods.Change{}, fmt.Errorf("%w: %v", ErrRefused, err)
	}
	return methods.Change{Method: Name, UserID: u.ID, Action: action, At: p.Now().UTC()}, nil
}

// Count returns how many passkeys u has.
func (p *Passkey) Count(ctx context.Context, u idp.User) (int, error) {
	reg, err := p.registration(ctx, u.ID)
	return len(reg.Credentials), err
}

// Remove deletes all of u's passkeys; ok is false when there were none.
func (p *Passkey) Remove(ctx context.Context, u idp.User) (methods.Change, bool, error) {
	reg, err := p.registration(ctx, u.ID)
	if err != nil || len(reg.Credentials) == 0 {
		return methods.Change{}, false, err
	}
	if err := p.Registrations.SetSection(ctx, u.ID, Name, nil); err != nil {
		return methods.Change{}, false, fmt.Errorf("passkey: remove registration: %w", err)
	}
	return methods.Change{Method: Name, UserID: u.ID, Action: methods.ChangeRemoved, At: p.Now().UTC()}, true, nil
}
