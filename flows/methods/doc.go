// Package methods holds the verification methods a flow's gates use (email
// now; sms, voice, questions, authenticator later), behind one interface.
//
// Every method does the same store work whether or not the user exists and
// can use it, and sends only to those who can, so that in generic disclosure
// mode nothing tells the two apart.
package methods
