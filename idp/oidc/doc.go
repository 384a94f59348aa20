// Package oidc signs users in to frontdoor's signed-in pages as an OpenID
// Connect relying party (coreos/go-oidc and golang.org/x/oauth2): the
// authorization code flow with PKCE (S256), a state and a nonce kept in the
// browser that started the sign-in and used once, the ID token verified
// (signature, issuer, audience, expiry, nonce), max_age with auth_time checked
// for a recent sign-in, and RP-initiated sign-out when the provider has an
// end_session_endpoint.
package oidc
