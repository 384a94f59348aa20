// Package captcha is the bot challenge of the identify step: digits drawn as a
// distorted image and spoken as audio (github.com/dchest/captcha renders
// both). A challenge lives in the flow's server-side state, is checked in
// constant time and is used once: any answer, right or wrong, retires it.
//
// End-to-end tests solve a challenge by reading the flow's state from the
// store, in test code only: the binary has no way to reveal an answer.
package captcha
