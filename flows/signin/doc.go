// Package signin mounts the sign-in routes of frontdoor's signed-in pages:
// signin (start), signin/callback (OIDC) or saml/acs (SAML), saml/metadata,
// and signout. The protocol itself is an idp.SignIn (idp/oidc, idp/saml);
// the session cookie is a session.Manager. Who signed in is looked up in the
// directory by the configured claim or attribute; only an account the
// directory knows, enabled, gets a session.
package signin
