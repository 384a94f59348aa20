package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/templates"
)

// ErrCSRF is the error, wrapped with the reason, of a request whose CSRF
// check failed. StatusOf maps it to 403.
var ErrCSRF = errors.New("csrf check failed")

const (
	nonceLen   = 16
	macLen     = sha256.Size
	browserLen = 16
)

// CSRF makes and checks the anti-forgery tokens of frontdoor's forms. It
// keeps no state: a token is
//
//	base64url(nonce ‖ HMAC-SHA256(key, browser ‖ binding ‖ nonce))
//
// where key is derived from the server's secret key, nonce is fresh for each
// token (so no two pages carry the same bytes), browser is a random value in
// a cookie that CSRF sets on first use (HttpOnly, SameSite=Lax, named
// "__Host-frontdoor-csrf" when Secure), and binding names the server-side
// state the form belongs to.
//
// Binding is what makes tokens rotate with a flow: pass the flow's ID and a
// value that changes whenever the flow moves on (its version or step nonce,
// as "ID/7"), and a token rendered for one step fails once the flow has left
// that step. Forms that belong to no flow yet (the first page of a flow)
// pass "" and are bound to the browser cookie alone. A token from another
// browser, another flow or an earlier step fails; comparison is constant
// time (hmac.Equal).
type CSRF struct {
	key    []byte
	secure bool
	cookie string
}

// NewCSRF returns a CSRF keyed by secret (at least 32 bytes). Secure marks
// the cookie Secure with the __Host- prefix, which is right whenever users
// reach frontdoor over HTTPS.
func NewCSRF(secret []byte, secure bool) (*CSRF, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("web: the CSRF secret must be at least 32 bytes, got %d", len(secret))
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("frontdoor csrf key v1"))
	c := &CSRF{key: m.Sum(nil), secure: secure, cookie: "frontdoor-csrf"}
	if secure {
		c.cookie = "__Host-frontdoor-csrf"
	}
	return c, nil
}

// CookieName returns the name of the browser cookie.
func (c *CSRF) CookieName() string { return c.cookie }

// Token returns a token for a form bound to binding, setting the browser
// cookie on w when the request has none (or an invalid one).
func (c *CSRF) Token(w http.ResponseWriter, r *http.Request, binding string) string {
	browser, ok := c.browser(r)
	if !ok {
		browser, ok = c.pending(w)
	}
	if !ok {
		var b [browserLen]byte
		rand.Read(b[:])
		browser = b[:]
		http.SetCookie(w, &http.Cookie{
			Name: c.cookie, Value: base64.RawURLEncoding.EncodeToString(browser), Path: "/",
			Secure: c.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		})
	}
	tok := make([]byte, nonceLen, nonceLen+macLen)
	rand.Read(tok)
	tok = append(tok, c.mac(browser, binding, tok)...)
	return base64.RawURLEncoding.EncodeToString(tok)
}

// Check verifies the token in the request's form body (field
// templates.CSRFField, exactly once; never from the URL) against the
// browser cookie and binding. A request that a browser marks as
// cross-site (Sec-Fetch-Site) fails too. The error wraps ErrCSRF.
func (c *CSRF) Check(r *http.Request, binding string) error {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return fmt.Errorf("%w: cross-site request", ErrCSRF)
	}
	browser, ok := c.browser(r)
	if !ok {
		return fmt.Errorf("%w: no valid browser cookie", ErrCSRF)
	}
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("%w: reading the form: %w", ErrCSRF, err)
	}
	vals := r.PostForm[templates.CSRFField]
	if len(vals) != 1 || vals[0] == "" {
		return fmt.Errorf("%w: the form carries %d tokens", ErrCSRF, len(vals))
	}
	tok, err := base64.RawURLEncoding.DecodeString(vals[0])
	if err != nil || len(tok) != nonceLen+macLen {
		return fmt.Errorf("%w: malformed token", ErrCSRF)
	}
	if !hmac.Equal(tok[nonceLen:], c.mac(browser, binding, tok[:nonceLen])) {
		return fmt.Errorf("%w: token does not match", ErrCSRF)
	}
	return nil
}

func (c *CSRF) mac(browser []byte, binding string, nonce []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write(browser)
	m.Write([]byte{0})
	m.Write([]byte(binding))
	m.Write([]byte{0})
	m.Write(nonce)
	return m.Sum(nil)
}

// browser returns the browser value from the request's cookie.
func (c *CSRF) browser(r *http.Request) ([]byte, bool) {
	ck, err := r.Cookie(c.cookie)
	if err != nil {
		return nil, false
	}
	return decodeBrowser(ck.Value)
}

// pending returns the browser value of a cookie already set on w, so that
// several tokens made for one response agree.
func (c *CSRF) pending(w http.ResponseWriter) ([]byte, bool) {
	for _, line := range w.Header().Values("Set-Cookie") {
		ck, err := http.ParseSetCookie(line)
		if err == nil && ck.Name == c.cookie {
			return decodeBrowser(ck.Value)
		}
	}
	return nil, false
}

func decodeBrowser(v string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil || len(b) != browserLen {
		return nil, false
	}
	return b, true
}
