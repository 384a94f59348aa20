// Package required is the "More information required" page that a user who
// must register security info (flows/register's policy) meets after signing
// in at the organisation's sign-in page, before going on to the application.
//
// It learns who signed in with a silent sign-in of frontdoor's own (OIDC
// prompt=none): the IdP has just set its session, so the round trip needs no
// page and names the user; without a session at the IdP, or for an account
// the directory does not know, the user simply goes on. See
// docs/architecture.md ("More information required") for the design and
// what the proxy must do to send users here.
package required
