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
// posted without a fresh session is redirected the same way (303) and its
// content dropped.
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
			http.Redirect(w, r, signIn+"?"+q.Encode(), http.StatusSeeOther)
		})
	}
}

// Recent reports whether the request's session signed in at most maxAge ago.
func (m *Manager) Recent(r *http.Request, maxAge time.Duration) bool {
	s, ok := m.Get(r)
	return ok && m.now().Sub(s.AuthTime) <= maxAge
}
