// Package register is the "Security info" page: a signed-in user sees what
// is registered for them (masked; the directory's values read-only) and
// adds, replaces or removes an alternate email (verified by a code sent to
// it), a mobile phone (verified by a code in a text message) and an office
// phone (stored as typed: verification by a call is not built). Every
// change is mailed to the addresses the account had before it, with the new
// value masked. The data goes to the user's registration, section
// "contact" (methods.Contact), encrypted by package registration.
//
// The methods that keep enrolment data have a section each (methods.go and
// a file per method): security questions, an authenticator app (QR code,
// one right code), passkeys (the one page that runs passkey.js) and app
// notifications. They work through Deps.Methods (Enrolments), adapted from
// the method packages by flows/register/enrolment; each change is mailed
// like the contact's, naming the method.
//
// Who is signed in comes from Deps.Current, and every route demands a
// recent sign-in through Deps.RequireRecent: both are the sign-in
// package's, and test doubles in the tests. The page runs as a flow (kind
// "register") bound to the signed-in user, so that its CSRF tokens rotate
// with each step and a value being verified lives server-side, sealed.
package register
