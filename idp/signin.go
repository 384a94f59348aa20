package idp

import (
	"errors"
	"net/http"
	"time"
)

// ErrSignIn is the error, wrapped with the reason for the log, of an answer
// from the sign-in IdP that frontdoor refuses: no sign-in in progress in this
// browser, a state, nonce, audience, issuer, signature, InResponseTo or
// replay check that failed, or an error the IdP reported.
var ErrSignIn = errors.New("idp: sign-in answer refused")

// SignIn is frontdoor as a client of the organisation's sign-in service
// (idp/oidc, idp/saml): Start sends the browser there, Finish reads the
// answer it comes back with.
type SignIn interface {
	// Start redirects the browser to the IdP, keeping what Finish needs in
	// the browser (BrowserState).
	Start(w http.ResponseWriter, r *http.Request, req SignInRequest) error
	// Finish verifies the IdP's answer on the callback request and returns
	// who signed in. A refused answer is ErrSignIn.
	Finish(w http.ResponseWriter, r *http.Request) (Identity, error)
}

// SignOuter is a SignIn whose IdP can end its own session too (OIDC
// RP-initiated logout): SignOutURL is where to send the browser, or "".
type SignOuter interface {
	SignOutURL(id Identity, after string) string
}

// SignInRequest is a sign-in to start.
type SignInRequest struct {
	// ReturnTo is the page of frontdoor's to show afterwards (already validated).
	ReturnTo string
	// MaxAge, when positive, asks the IdP for a sign-in at most this old:
	// the user types the password again (OIDC max_age, SAML ForceAuthn).
	MaxAge time.Duration
	// Silent asks for no interaction (OIDC prompt=none): the answer says who
	// is signed in at the IdP already, or fails.
	Silent bool
}

// Identity is who the IdP says signed in.
type Identity struct {
	// Login is the value of the configured claim or attribute, looked up
	// in the directory.
	Login string
	// AuthTime is when the user authenticated at the IdP.
	AuthTime time.Time
	// ReturnTo is SignInRequest.ReturnTo, brought back.
	ReturnTo string
	// Protocol is "oidc" or "saml"; Token is the raw ID token (OIDC), kept
	// as the hint of a later sign-out.
	Protocol string
	Token    string
	// Silent is SignInRequest.Silent, brought back (also with an error,
	// such as OIDC login_required, so the caller can go on without a user).
	Silent bool
}

// BrowserState keeps a sign-in in progress in the browser that started it
// (session.Pending): Take returns it once.
type BrowserState interface {
	Put(w http.ResponseWriter, v any) error
	Take(w http.ResponseWriter, r *http.Request, v any) error
}
