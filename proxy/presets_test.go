package proxy

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// TestPresets serves, for each upstream preset, a page of our own that
// reproduces the documented facts of that product's sign-in page, at the
// preset's sign-in path, and checks that the links land right after the
// preset's anchor and that the product's own reset path is taken over.
func TestPresets(t *testing.T) {
	tests := []struct {
		preset, page, path, anchorEnd, reset string
	}{
		{"generic", "generic.html", "/login", `</form>`, "/forgot-password"},
		{"keycloak", "keycloak.html", "/realms/acme/protocol/openid-connect/auth?client_id=app", `</form>`, "/realms/acme/login-actions/reset-credentials?client_id=app"},
		{"keycloak", "keycloak.html", "/realms/acme/login-actions/authenticate?execution=e", `</form>`, ""},
		{"dex", "dex.html", "/dex/auth/local/login?back=&state=abc", `id="submit-login" type="submit" class="dex-btn theme-btn--primary">Login</button>`, ""},
		{"authentik", "authentik.html", "/if/flow/default-authentication-flow/?next=%2F", `</ak-flow-executor>`, "/if/flow/default-recovery-flow/"},
		{"authentik", "authentik.html", "/if/flow/default-authentication-flow/", `</ak-flow-executor>`, "/api/v3/flows/executor/default-recovery-flow/?query=next%3D%252F"},
		{"adfs", "adfs.html", "/adfs/ls/?SAMLRequest=abc", `</form>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.preset+tt.path, func(t *testing.T) {
			page, err := os.ReadFile("testdata/presets/" + tt.page)
			if err != nil {
				t.Fatal(err)
			}
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write(page)
			}))
			defer up.Close()
			cfg := &config.Config{Upstream: config.Upstream{URL: up.URL, Preset: tt.preset}, Server: config.Server{PublicURL: "https://sso.example.com"}, Store: config.Store{DSN: "x"}}
			cfg.ApplyDefaults()
			p := newTestProxy(t, up, func(o *Options) {
				o.SignInPaths, o.InjectAfter = cfg.Upstream.SignInPaths, cfg.Upstream.InjectAfter
				o.Intercept = map[string][]string{"reset": cfg.Upstream.Intercept.Reset}
			})
			_, body := fetch(t, "GET", p.srv.URL+tt.path, nil, nil)
			u, _ := url.Parse(tt.path)
			link := `<a href="/.frontdoor/reset?return_to=` + url.QueryEscape(u.RequestURI()) + `">Forgot my password</a>`
			want := strings.Replace(string(page), tt.anchorEnd, tt.anchorEnd+link, 1)
			if string(body) != want {
				t.Errorf("page through the proxy:\n%s\nwant the link right after %q", body, tt.anchorEnd)
			}
			if tt.reset != "" {
				p.own = nil
				fetch(t, "GET", p.srv.URL+tt.reset, nil, nil)
				if len(p.own) != 1 || !strings.HasPrefix(p.own[0], "/.frontdoor/reset") {
					t.Errorf("%s not taken over: own handler saw %v", tt.reset, p.own)
				}
			}
		})
	}
}
