// Package registration keeps users' registered security info (the
// "Security info" page's alternate emails and phones, and each method's
// enrolment data) encrypted at rest, and decides who must register.
//
// A user's registration is one JSON document of sections keyed by name
// ("contact", "security_questions", ...). Store seals the whole document
// with AES-256-GCM under the first key of a Keyring, with a random nonce,
// the key's ID in front (so keys can rotate: every key listed decrypts) and
// the user's ID as additional authenticated data (so a document copied to
// another user's row does not open). Writes are compare-and-swap on the
// store's Version. Store implements methods.Registrations.
//
// Policy applies the registration section of the configuration:
// MustRegister (the "more information required" interstitial at sign-in)
// and Registered (the reset's eligibility when registration is required).
package registration
