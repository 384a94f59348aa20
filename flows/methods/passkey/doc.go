// Package passkey is the passkey verification method (WebAuthn, with
// github.com/go-webauthn/webauthn), beyond the reference product: a
// passkey registered on the security info page proves the user at a reset
// with user verification required (a PIN or biometric on the device), and
// counts as a strong method in the two-gate policy.
//
// The ceremony's challenge is a keyed digest of the flow, the gate and the
// gate's challenge count, so every replica builds the same options and
// checks the same answer without keeping the session anywhere; the store
// keeps only the challenge's tries and lifetime (store.Codes), and the
// assertion is checked inside Codes.Verify, so it is consumed once.
//
// Enrolment: BeginRegistration, FinishRegistration, Remove.
package passkey
