// Package appcode is the app_code verification method: a TOTP code (RFC
// 6238: SHA-1, 6 digits, 30-second steps, one step of skew either way)
// from an authenticator app, with github.com/pquerna/otp.
//
// Registration (Begin, Confirm, Remove) keeps the key in the user's
// "app_code" registration section; a key counts only once one correct code
// confirmed it. Begin returns the otpauth URL, the key as text and a QR
// code rendered here as a PNG: no third-party service sees the key.
//
// Each step's code is accepted once for an account, across replicas: the
// step is recorded in the store's limits (store.Limits.Hit with a maximum
// of one), which let a single one of parallel hits through.
package appcode
