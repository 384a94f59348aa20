package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

const withSignIn = withDirectory + `
signin:
  protocol: oidc
  oidc:
    issuer: "https://sso.example.com/realms/main"
    client_id: frontdoor
    client_secret_file: /run/secrets/oidc
sessions:
  keys: ["0123456789abcdef0123456789abcdef"]
change:
  expired: true
`

func TestSignInRules(t *testing.T) {
	secrets := map[string]string{"/run/secrets/ldap": "pw", "/run/secrets/oidc": "client-secret"}
	c, err := read(t, withSignIn, nil, secrets)
	if err != nil {
		t.Fatal(err)
	}
	o := c.SignIn.OIDC
	if o.ClientSecret != "client-secret" || o.UserClaim != "preferred_username" || !slices.Contains(o.Scopes, "openid") ||
		c.Sessions.Lifetime.D() != 15*time.Minute || c.SignIn.MaxAge.D() != 5*time.Minute || c.SignIn.ClaimMatches != ClaimMatchesLogin {
		t.Errorf("defaults: %+v %+v %+v", o, c.Sessions, c.SignIn)
	}
	tests := []struct {
		name, from, to string
		want           []string
	}{
		{"no keys", `keys: ["0123456789abcdef0123456789abcdef"]`, `keys: []`, []string{"sessions.keys"}},
		{"short key", `keys: ["0123456789abcdef0123456789abcdef"]`, `keys: ["0123456789abcdef0123456789abcdef", "short"]`, []string{"sessions.keys[1]"}},
		{"lifetime", `sessions:`, "sessions:\n  lifetime: 30s", []string{"sessions.lifetime"}},
		{"protocol", `protocol: oidc`, `protocol: ldap`, []string{"signin.protocol"}},
		{"no issuer", `issuer: "https://sso.example.com/realms/main"`, `issuer: ""`, []string{"signin.oidc.issuer"}},
		{"no client", `client_id: frontdoor`, `client_id: ""`, []string{"signin.oidc.client_id"}},
		{"no secret", `client_secret_file: /run/secrets/oidc`, `scopes: [openid]`, []string{"signin.oidc.client_secret"}},
		{"scopes", `client_id: frontdoor`, "client_id: frontdoor\n    scopes: [profile]", []string{"signin.oidc.scopes"}},
		{"required_after", "protocol: oidc", "protocol: oidc\n  required_after: [\"login\"]", []string{"signin.required_after[0]"}},
		{"saml incomplete", "protocol: oidc", "protocol: saml", []string{"signin.saml"}},
		{"claim_matches", "protocol: oidc", "protocol: oidc\n  claim_matches: any", []string{"signin.claim_matches"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := read(t, strings.Replace(withSignIn, tt.from, tt.to, 1), nil, secrets)
			if err == nil {
				t.Fatalf("accepted; want problems at %v", tt.want)
			}
			if got := problemPaths(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("problems at %v, want %v", got, tt.want)
			}
		})
	}
	noSignIn := strings.Replace(withSignIn, "change:\n  expired: true", "change:\n  expired: false", 1)
	noSignIn = noSignIn[:strings.Index(noSignIn, "signin:")] + noSignIn[strings.Index(noSignIn, "sessions:"):]
	if got := problemPaths(t, func() error { _, err := read(t, noSignIn, nil, secrets); return err }()); !slices.Equal(got, []string{"change"}) {
		t.Errorf("change without signin or expired: problems at %v", got)
	}
}
