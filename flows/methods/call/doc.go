// Package call is the phone-call methods, mobile_call ("Call my mobile
// phone") and office_call ("Call my office phone"): Start places a call
// through notify/call in the background; the call asks the user to press
// #; Verify passes once the call's outcome, kept in the store so that any
// replica sees it, is "confirmed" for this flow and gate.
package call
