package server

// The mobile_text method ("Text my mobile phone") registers itself.
import _ "github.com/frontdoor-sspr/frontdoor/flows/methods/mobiletext"
