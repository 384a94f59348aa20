package server

// The security_questions method registers itself with the method registry.
import _ "github.com/frontdoor-sspr/frontdoor/flows/methods/questions"
