package web

import (
	"bytes"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/templates"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func newCSRF(t testing.TB, secure bool) *CSRF {
	t.Helper()
	c, err := NewCSRF(secret, secure)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// issue renders a form for binding in a fresh browser and returns the
// browser's cookie and the token.
func issue(t testing.TB, c *CSRF, binding string) (*http.Cookie, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	tok := c.Token(rec, httptest.NewRequest("GET", "/.frontdoor/reset", nil), binding)
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("Token set %d cookies, want 1", len(cookies))
	}
	return cookies[0], tok
}

// post builds a form POST carrying the cookie (when not nil) and the fields.
func post(cookie *http.Cookie, form url.Values) *http.Request {
	r := httptest.NewRequest("POST", "/.frontdoor/reset", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cookie != nil {
		r.AddCookie(cookie)
	}
	return r
}

func field(tok string) url.Values { return url.Values{templates.CSRFField: {tok}} }

func TestCSRF(t *testing.T) {
	c := newCSRF(t, false)
	cookie, tok := issue(t, c, "flow1/1")
	otherCookie, otherTok := issue(t, c, "flow1/1")
	_, flow2Tok := issue(t, c, "flow2/1")
	otherKey, err := NewCSRF(bytes.Repeat([]byte("k"), 32), false)
	if err != nil {
		t.Fatal(err)
	}
	_, foreignTok := issue(t, otherKey, "flow1/1")
	raw := []byte(tok)
	raw[len(raw)-1] ^= 1
	tampered := string(raw)

	tests := []struct {
		name    string
		req     *http.Request
		binding string
		ok      bool
	}{
		{"valid", post(cookie, field(tok)), "flow1/1", true},
		{"valid again before the flow moves on", post(cookie, field(tok)), "flow1/1", true},
		{"missing cookie", post(nil, field(tok)), "flow1/1", false},
		{"garbage cookie", post(&http.Cookie{Name: cookie.Name, Value: "x"}, field(tok)), "flow1/1", false},
		{"missing token", post(cookie, url.Values{}), "flow1/1", false},
		{"empty token", post(cookie, field("")), "flow1/1", false},
		{"wrong token", post(cookie, field("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")), "flow1/1", false},
		{"tampered token", post(cookie, field(tampered)), "flow1/1", false},
		{"truncated token", post(cookie, field(tok[:len(tok)-2])), "flow1/1", false},
		{"token with padding", post(cookie, field(tok+"=")), "flow1/1", false},
		{"token from another browser session", post(cookie, field(otherTok)), "flow1/1", false},
		{"cookie from another browser session", post(otherCookie, field(tok)), "flow1/1", false},
		{"token of another flow", post(cookie, field(flow2Tok)), "flow1/1", false},
		{"replayed after the flow rotated", post(cookie, field(tok)), "flow1/2", false},
		{"token made with another key", post(cookie, field(foreignTok)), "flow1/1", false},
		{"two tokens", post(cookie, url.Values{templates.CSRFField: {tok, tok}}), "flow1/1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Check(tt.req, tt.binding)
			if tt.ok && err != nil {
				t.Fatalf("Check refused a valid token: %v", err)
			}
			if !tt.ok && !errors.Is(err, ErrCSRF) {
				t.Fatalf("Check = %v, want ErrCSRF", err)
			}
		})
	}
}

func TestCSRFTokenOnlyFromBody(t *testing.T) {
	c := newCSRF(t, false)
	cookie, tok := issue(t, c, "")
	r := post(cookie, url.Values{})
	r.URL.RawQuery = field(tok).Encode()
	if err := c.Check(r, ""); !errors.Is(err, ErrCSRF) {
		t.Errorf("a token in the query string was accepted: %v", err)
	}
}

func TestCSRFSecFetchSite(t *testing.T) {
	c := newCSRF(t, false)
	cookie, tok := issue(t, c, "")
	for site, ok := range map[string]bool{"": true, "same-origin": true, "same-site": true, "none": true, "cross-site": false} {
		r := post(cookie, field(tok))
		if site != "" {
			r.Header.Set("Sec-Fetch-Site", site)
		}
		if err := c.Check(r, ""); (err == nil) != ok {
			t.Errorf("Sec-Fetch-Site %q: Check = %v, want ok=%v", site, err, ok)
		}
	}
}

func TestCSRFCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		cookie, _ := issue(t, newCSRF(t, secure), "")
		wantName := "frontdoor-csrf"
		if secure {
			wantName = "__Host-frontdoor-csrf"
		}
		if cookie.Name != wantName || cookie.Secure != secure || !cookie.HttpOnly ||
			cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Domain != "" {
			t.Errorf("secure=%v: cookie %+v", secure, cookie)
		}
		if len(cookie.Value) < 22 {
			t.Errorf("cookie value %q carries fewer than 128 bits", cookie.Value)
		}
	}
}

func TestCSRFTokensInOneResponseShareACookie(t *testing.T) {
	c := newCSRF(t, false)
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	a, b := c.Token(rec, r, ""), c.Token(rec, r, "")
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("two tokens set %d cookies", len(cookies))
	}
	if a == b {
		t.Error("two tokens are identical; each should have its own nonce")
	}
	for _, tok := range []string{a, b} {
		if err := c.Check(post(cookies[0], field(tok)), ""); err != nil {
			t.Errorf("token of the same response refused: %v", err)
		}
	}
	// A browser that has the cookie keeps it.
	rec2 := httptest.NewRecorder()
	r2 := httptest.NewRequest("GET", "/", nil)
	r2.AddCookie(cookies[0])
	c.Token(rec2, r2, "")
	if len(rec2.Result().Cookies()) != 0 {
		t.Error("Token replaced a valid cookie")
	}
}

func TestNewCSRFShortSecret(t *testing.T) {
	if _, err := NewCSRF([]byte("short"), true); err == nil {
		t.Error("a 5-byte secret was accepted")
	}
}

// TestCSRFConstantTimeCompare reads Check's source: the MAC must be compared
// with hmac.Equal (or subtle.ConstantTimeCompare), never with == or
// bytes.Equal, which return at the first differing byte.
func TestCSRFConstantTimeCompare(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "csrf.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var check *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "Check" {
			check = fd
		}
	}
	if check == nil {
		t.Fatal("no Check in csrf.go")
	}
	constantTime, variableTime := false, ""
	ast.Inspect(check.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok {
				switch x.Name + "." + n.Sel.Name {
				case "hmac.Equal", "subtle.ConstantTimeCompare":
					constantTime = true
				case "bytes.Equal", "bytes.Compare", "strings.EqualFold":
					variableTime = x.Name + "." + n.Sel.Name
				}
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				if call, ok := n.X.(*ast.CallExpr); ok {
					if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "string" {
						variableTime = "string(...) comparison"
					}
				}
			}
		}
		return true
	})
	if !constantTime {
		t.Error("Check does not compare with hmac.Equal or subtle.ConstantTimeCompare")
	}
	if variableTime != "" {
		t.Errorf("Check compares with %s", variableTime)
	}
}
