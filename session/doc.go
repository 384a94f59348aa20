// Package session keeps who signed in to frontdoor's signed-in pages (change
// password, security info) in a cookie made with gorilla/sessions.
//
// The cookie is authenticated (HMAC-SHA256) and encrypted (AES-256) with keys
// derived from the configured sessions.keys: the first key writes, every key
// reads, so a key can be rotated in by putting a new one first and retired by
// removing it, after which cookies it wrote fail. A session lasts a fixed
// lifetime from the sign-in (15 minutes by default) and is never extended;
// the cookie is HttpOnly, SameSite=Lax and Secure when frontdoor is reached
// over https.
//
// The same codecs protect the short-lived cookie that carries a sign-in in
// progress (OIDC state, nonce and PKCE verifier; the SAML request IDs): see
// Pending.
package session
