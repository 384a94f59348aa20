// Package call places the verification calls of the phone-call methods
// (mobile_call, office_call): the call speaks a prompt in the user's
// language and waits for the # key.
//
// One interface, Caller, has two drivers: SIP, where frontdoor is itself a
// SIP user agent (emiago/sipgo with emiago/diago for RTP, G.711 and RFC 2833
// telephone-events) calling through the operator's trunk or PBX, and
// Twilio, through Programmable Voice with a signed status callback on
// frontdoor's public URL. The prompts are synthesised at build time (see
// prompts.go) and embedded.
package call
