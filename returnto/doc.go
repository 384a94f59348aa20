// Package returnto validates the "return to" address that a flow remembers so
// the user lands back on the sign-in page they came from. Only a path on the
// upstream itself is accepted, and links are built from server.public_url
// alone: never from Host or X-Forwarded-Host.
package returnto
