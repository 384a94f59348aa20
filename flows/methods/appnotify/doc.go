// Package appnotify is the app_notification verification method: a push
// to the user's phone, approved with number matching. The page shows a
// number; the phone offers it among others and a denial; only picking the
// page's number approves. An answer counts for 60 seconds; a denial (or a
// wrong number) ends the gate.
//
// Providers sit behind one interface (Provider):
//
//   - Duo (the Duo Auth API v2): preauth, auth with factor push and async,
//     auth_status polled when the user says they answered; requests signed
//     with HMAC-SHA512 or HMAC-SHA1 over Duo's canonical request. The number
//     travels in the push's details (pushinfo).
//   - Ntfy (an ntfy-style HTTP publish): a JSON message to the user's topic
//     with one HTTP action per number and a deny action; each calls back a
//     signed, single-use URL on frontdoor (Callbacks) that names the
//     challenge only by a keyed digest, never by the flow handle.
//
// Registration (Enroll, Remove) keeps the provider's user reference in the
// "app_notification" registration section.
package appnotify
