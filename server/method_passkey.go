package server

// The passkey method registers itself with the method registry.
import _ "github.com/frontdoor-sspr/frontdoor/flows/methods/passkey"
