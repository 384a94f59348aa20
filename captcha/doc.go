// Package captcha is the bot challenge of the identify step: digits drawn as a
// distorted image and spoken as audio (github.com/dchest/captcha renders
// both). A challenge lives in the flow's server-side state, is checked in
// constant time and is used once: any answer, right or wrong, retires it.
//
// Tests that drive a whole flow read the answer through OnIssue, which exists
// only in builds with the testhooks tag and so never in the frontdoor binary.
package captcha
