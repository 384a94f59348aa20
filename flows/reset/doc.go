// Package reset is the "Forgot my password" flow ("Get back into your
// account"): the identify and verification steps of package gate, then a new
// password checked against the policy, the write to the directory, and the
// way back to the sign-in page.
//
// In generic disclosure mode (the default) every user ID walks the same
// pages, with the same status, headers and timing; only an eligible account
// that can use the chosen method receives anything. In descriptive mode the
// reference's messages appear right after identify.
package reset
