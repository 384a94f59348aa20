package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/flows/required"
	"github.com/frontdoor-sspr/frontdoor/session"
)

// continueCookie keeps the application the upstream was sending the browser
// to when frontdoor stepped in after its sign-in.
func (s *Server) continueCookie() *session.Pending {
	return s.sessions.Pending("frontdoor-continue", false)
}

// requiredAfter is signin.required_after: the upstream's sign-in form posts.
func (s *Server) requiredAfter() []string {
	if s.cfg.SignIn == nil || s.sessions == nil {
		return nil
	}
	return s.cfg.SignIn.RequiredAfter
}

// afterSignIn sees the upstream's answer to a sign-in form post: when it
// sends the browser on to an application (a redirect off frontdoor's
// origin), the browser goes to the "More information required" step first,
// with the application's address (and its code) kept in an encrypted cookie.
func (s *Server) afterSignIn(resp *http.Response) {
	switch resp.StatusCode {
	case http.StatusFound, http.StatusSeeOther, http.StatusMovedPermanently, http.StatusTemporaryRedirect:
	default:
		return
	}
	loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	public, perr := url.Parse(s.cfg.Server.PublicURL)
	if err != nil || perr != nil || loc.Host == "" || (loc.Scheme != "http" && loc.Scheme != "https") ||
		(strings.EqualFold(loc.Host, public.Host) && loc.Scheme == public.Scheme) {
		return // the upstream's own next step, or frontdoor's
	}
	c, err := s.continueCookie().Cookie(required.Continue{URL: loc.String()})
	if err != nil {
		s.log.Error("after sign-in: keeping the application's address failed", "err", err)
		return
	}
	resp.Header.Add("Set-Cookie", c.String())
	resp.Header.Set("Location", s.cfg.Server.PublicURL+s.cfg.Server.Prefix+"required")
}
