package signin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/gate"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/returnto"
	"github.com/frontdoor-sspr/frontdoor/session"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Audit event types of this package.
const (
	EventSignedIn     = "signin.ok"
	EventSignInFailed = "signin.failed"
	EventSignedOut    = "signin.signed_out"
)

// Options configure the routes.
type Options struct {
	Prefix    string
	PublicURL string
	// Protocol is oidc or saml: it names the callback route.
	Protocol string
	// MaxAge bounds the max_age a sign-in may ask for (signin.max_age).
	MaxAge time.Duration
	// Home is where a sign-in without a return_to lands (such as prefix + "change").
	Home string
	// ClaimMatches is what the IdP's user must equal on the account the
	// directory finds: config.ClaimMatchesLogin (its primary login name,
	// the default) or config.ClaimMatchesMail (one of its addresses).
	ClaimMatches string
}

// Deps are what the routes use.
type Deps struct {
	Provider  idp.SignIn
	Sessions  *session.Manager
	Directory idp.Directory
	Pages     *web.Pages
	CSRF      *web.CSRF
	// Audit records sign-ins; nil records nothing.
	Audit func(r *http.Request, e store.Event)
	// Metadata serves the SP metadata (SAML); nil otherwise.
	Metadata http.Handler
}

// Routes is the sign-in routes.
type Routes struct {
	opt Options
	Deps
}

// New returns the routes.
func New(o Options, d Deps) *Routes { return &Routes{opt: o, Deps: d} }

// CallbackPath is the path the IdP answers to.
func CallbackPath(prefix, protocol string) string {
	if protocol == "saml" {
		return prefix + "saml/acs"
	}
	return prefix + "signin/callback"
}

// Register mounts the routes on mux.
func (s *Routes) Register(mux *http.ServeMux) {
	p := s.opt.Prefix
	mux.Handle("GET "+p+"signin", s.Pages.Handle(s.start))
	if s.opt.Protocol == "saml" {
		mux.Handle("POST "+CallbackPath(p, "saml"), s.Pages.Handle(s.callback))
		if s.Metadata != nil {
			mux.Handle("GET "+p+"saml/metadata", s.Metadata)
		}
	} else {
		mux.Handle("GET "+CallbackPath(p, "oidc"), s.Pages.Handle(s.callback))
	}
	mux.Handle("POST "+p+"signout", s.Pages.Handle(s.signOut))
	mux.Handle("GET "+p+"signedout", s.Pages.Page(http.StatusOK, "signed_out", templates.Notice{Back: s.opt.PublicURL + "/"}))
}

// start sends the browser to the IdP. return_to must be one of frontdoor's
// own pages; max_age, when given, is capped by the configuration.
func (s *Routes) start(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req := idp.SignInRequest{ReturnTo: s.returnTo(q.Get("return_to"))}
	if v := q.Get("max_age"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return web.WithStatus(http.StatusBadRequest, fmt.Errorf("signin: bad max_age %q", v))
		}
		req.MaxAge = min(time.Duration(n)*time.Second, s.opt.MaxAge)
	}
	return status(s.Provider.Start(w, r, req))
}

// status gives a sign-in error its status: a refused answer 403, an IdP
// that cannot be reached 503.
func status(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, idp.ErrSignIn):
		return web.WithStatus(http.StatusForbidden, err)
	case errors.Is(err, idp.ErrUnavailable):
		return web.WithStatus(http.StatusServiceUnavailable, err)
	}
	return err
}

// returnTo keeps raw when it is a page under the prefix, else Home.
func (s *Routes) returnTo(raw string) string {
	if v, ok := returnto.Validate(raw, ""); ok && strings.HasPrefix(v, s.opt.Prefix) && !strings.HasPrefix(v, s.opt.Prefix+"signin") {
		return v
	}
	return s.opt.Home
}

// callback verifies the IdP's answer, looks the user up and starts the session.
func (s *Routes) callback(w http.ResponseWriter, r *http.Request) error {
	id, err := s.Provider.Finish(w, r)
	if err != nil && id.Silent && id.ReturnTo != "" {
		// A silent check found no session at the IdP (login_required): the
		// page that asked goes on without a user.
		http.Redirect(w, r, withParam(s.returnTo(id.ReturnTo), "silent", "failed"), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		s.record(r, store.Event{Type: EventSignInFailed, Outcome: outcome(err)})
		return status(err)
	}
	u, err := s.Directory.Lookup(r.Context(), id.Login)
	mismatch := err == nil && !ClaimNames(s.claimMatches(), id.Login, u)
	if mismatch {
		// The directory found the account by another of its login
		// attributes (a mail address equal to the IdP's name, say): not
		// proof that the IdP's user is this account's holder.
		err = fmt.Errorf("the IdP's user is not the %s of the account found: %w", s.claimMatches(), idp.ErrNotFound)
	}
	if id.Silent && (err != nil || u.Disabled || u.PermanentlyLocked) {
		http.Redirect(w, r, withParam(s.returnTo(id.ReturnTo), "silent", "failed"), http.StatusSeeOther)
		return nil
	}
	switch {
	case errors.Is(err, idp.ErrUnavailable):
		return web.WithStatus(http.StatusServiceUnavailable, err)
	case mismatch:
		s.record(r, store.Event{Type: EventSignInFailed, User: u.ID, Outcome: "claim_mismatch"})
		return web.WithStatus(http.StatusForbidden, fmt.Errorf("signin: %w", err))
	case err != nil:
		s.record(r, store.Event{Type: EventSignInFailed, Outcome: "not_in_directory"})
		return web.WithStatus(http.StatusForbidden, fmt.Errorf("signin: the signed-in user is not in the directory: %w", err))
	case u.Disabled || u.PermanentlyLocked:
		s.record(r, store.Event{Type: EventSignInFailed, User: u.ID, Outcome: "disabled"})
		return web.WithStatus(http.StatusForbidden, errors.New("signin: the account is disabled"))
	}
	if err := s.Sessions.SignIn(w, r, session.Session{User: u, AuthTime: id.AuthTime, Protocol: id.Protocol, IDToken: id.Token}); err != nil {
		return err
	}
	s.record(r, store.Event{Type: EventSignedIn, User: u.ID, Outcome: "ok", Detail: map[string]string{"protocol": id.Protocol}})
	http.Redirect(w, r, s.returnTo(id.ReturnTo), http.StatusSeeOther)
	return nil
}

// claimMatches is Options.ClaimMatches, "login" when unset.
func (s *Routes) claimMatches() string {
	if s.opt.ClaimMatches == "" {
		return config.ClaimMatchesLogin
	}
	return s.opt.ClaimMatches
}

// ClaimNames tells whether claim names u as mode (config.ClaimMatchesLogin
// or config.ClaimMatchesMail) says, compared as the directory compares
// names: after NFKC, trimmed, without regard to case.
func ClaimNames(mode, claim string, u idp.User) bool {
	c := gate.NormalizeLogin(claim)
	if mode == config.ClaimMatchesMail {
		return slices.ContainsFunc(u.Emails, func(a string) bool { return strings.EqualFold(gate.NormalizeLogin(a), c) })
	}
	return u.Login != "" && strings.EqualFold(gate.NormalizeLogin(u.Login), c)
}

// signOut ends frontdoor's session and, when the IdP can, the IdP's too.
func (s *Routes) signOut(w http.ResponseWriter, r *http.Request) error {
	sess, ok := s.Sessions.Get(r)
	if err := s.CSRF.Check(r, Binding(sess.User)); err != nil {
		return err
	}
	s.Sessions.SignOut(w, r)
	after := s.opt.PublicURL + s.opt.Prefix + "signedout"
	if ok {
		s.record(r, store.Event{Type: EventSignedOut, User: sess.User.ID, Outcome: "ok"})
		if so, isSO := s.Provider.(idp.SignOuter); isSO {
			if u := so.SignOutURL(idp.Identity{Token: sess.IDToken, Protocol: sess.Protocol}, after); u != "" {
				// Not a redirect: the sign-out form's navigation may not leave
				// frontdoor's origin (CSP form-action 'self'); a refresh is a
				// new navigation, and the page's link does the same by hand.
				w.Header().Set("Refresh", "0; url="+u)
				s.Pages.Render(w, r, http.StatusOK, "signing_out", templates.View{Data: templates.Notice{Back: u}})
				return nil
			}
		}
	}
	http.Redirect(w, r, after, http.StatusSeeOther)
	return nil
}

func (s *Routes) record(r *http.Request, e store.Event) {
	if s.Audit != nil {
		s.Audit(r, e)
	}
}

func outcome(err error) string {
	switch {
	case errors.Is(err, session.ErrNoPending):
		return "no_pending"
	case errors.Is(err, idp.ErrSignIn):
		return "refused"
	case errors.Is(err, idp.ErrUnavailable):
		return "unavailable"
	}
	return "error"
}

// Binding is the CSRF binding of the forms of a signed-in page (the page's
// own form and its sign-out button share the one token).
func Binding(u idp.User) string { return "signed-in:" + u.ID }

// withParam adds name=value to the query of a local URL.
func withParam(u, name, value string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + url.QueryEscape(name) + "=" + url.QueryEscape(value)
}
