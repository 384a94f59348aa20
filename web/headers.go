package web

import "net/http"

// ContentSecurityPolicy is the policy of every page frontdoor serves itself:
// no inline script, scripts, styles and images from frontdoor's own origin
// only (the one script is the show-password button, which the pages do not
// need), forms that post back to it, and no framing.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// ScriptContentSecurityPolicy is the policy of the pages that need one of
// frontdoor's own script files to work at all (the passkey page, which must
// call the browser's WebAuthn API). Since every page may load the
// show-password script, it is the common policy: script files from
// frontdoor's origin only, inline script refused. The name stays so that
// such pages say what they need.
const ScriptContentSecurityPolicy = ContentSecurityPolicy

// AllowScripts sets the page's policy to ScriptContentSecurityPolicy; call
// it before the page is written.
func AllowScripts(h http.Header) {
	h.Set("Content-Security-Policy", ScriptContentSecurityPolicy)
}

// SetPageHeaders sets the security headers of a page that must not be
// cached, framed, sniffed or leak its address through Referer.
func SetPageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// SecurityHeaders sets the page headers on every response of next. A
// handler may still relax Cache-Control, as the static file handler does for
// content-addressed files.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetPageHeaders(w.Header())
		next.ServeHTTP(w, r)
	})
}
