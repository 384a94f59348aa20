// Package notify sends the messages frontdoor writes to people: verification
// codes, confirmations, admin alerts and helpdesk requests. Email goes over
// SMTP (STARTTLS or implicit TLS) through github.com/wneessen/go-mail; a Queue
// sends off the request path, so how long a send takes never shows in a
// response.
package notify
