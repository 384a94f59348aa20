package server

// The app_notification method registers itself with the method registry.
import _ "github.com/frontdoor-sspr/frontdoor/flows/methods/appnotify"
