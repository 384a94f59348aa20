package session

import (
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// RequireRecent returns middleware for a signed-in page: a request goes
// through only with a session whose sign-in is at most maxAge old. Otherwise
// the browser is sent to signIn (frontdoor's sign-in route) with the page to
// come back to and, when there is a session already, max_age, so that the
// IdP asks for the password again (OIDC max_age, SAML ForceAuthn). A form
// posted without a fresh session is sent there by a Refresh header (401),
// and its content dropped.
func (m *Manager) RequireRecent(maxAge time.Duration, signIn string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s, ok := m.Get(r)
			if ok && (maxAge <= 0 || m.now().Sub(s.AuthTime) <= maxAge) {
				next.ServeHTTP(w, r)
				return
			}
			q := url.Values{"return_to": {r.URL.Path}}
			if ok && maxAge > 0 {
				q.Set("max_age", strconv.Itoa(int(maxAge.Seconds())))
			}
			target := signIn + "?" + q.Encode()
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, target, http.StatusSeeOther)
				return
			}
			// A form posted with a stale session: a redirect would carry the
			// form's navigation to the IdP, which the page's CSP
			// (form-action 'self') refuses; a refresh is a new navigation.
			w.Header().Set("Refresh", "0; url="+target)
			w.WriteHeader(http.StatusUnauthorized)
		})
	}
}

// Recent reports whether the request's session signed in at most maxAge ago.
func (m *Manager) Recent(r *http.Request, maxAge time.Duration) bool {
	s, ok := m.Get(r)
	return ok && m.now().Sub(s.AuthTime) <= maxAge
}
