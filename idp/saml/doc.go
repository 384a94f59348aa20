// Package saml signs users in to frontdoor's signed-in pages as a SAML 2.0
// service provider (crewjam/saml): AuthnRequests signed with RSA-SHA256 over
// the HTTP-Redirect binding, answers by HTTP-POST to the ACS, the assertion
// itself signed by the IdP (SHA-1 refused), audience, destination, time and
// InResponseTo checked against the request IDs kept in the browser that
// started the sign-in, each assertion accepted once (a store-backed replay
// cache), IdP-initiated sign-in refused, ForceAuthn with AuthnInstant checked
// for a recent sign-in, and the user named by a configured attribute (a
// transient NameID never identifies anyone).
package saml
