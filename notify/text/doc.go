// Package text sends text messages (SMS) through the gateway the
// configuration's text section names, each a small driver behind Sender:
// Kannel's HTTP sendsms interface, Twilio Programmable Messaging
// (Messages.json), a generic HTTPS webhook signed with HMAC-SHA256, and an
// email-to-SMS gateway (NUMBER@domain) through frontdoor's mail queue.
//
// Drivers never log or return the message body (it holds a code) nor a
// gateway's credentials; errors name the gateway and its answer's status.
package text
