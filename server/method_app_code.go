package server

// The app_code method registers itself with the method registry.
import _ "github.com/frontdoor-sspr/frontdoor/flows/methods/appcode"
