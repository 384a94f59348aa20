package returnto

import "testing"

func TestTargets(t *testing.T) {
	ssp := Targets{SignInURL: "/simplesaml/module.php/core/authenticate.php?as=ldap", Needs: []Need{
		{Path: "/simplesaml/module.php/core/loginuserpass.php", Keys: []string{"AuthState"}},
		{Path: "/realms/{realm}/login-actions/authenticate", Keys: []string{"client_id"}},
	}}
	const pub = "https://sso.example.test"
	tests := []struct {
		name, raw, want string
	}{
		{"the page with its state", "/simplesaml/module.php/core/loginuserpass.php?AuthState=_abc%3Ahttp", pub + "/simplesaml/module.php/core/loginuserpass.php?AuthState=_abc%3Ahttp"},
		{"the page without its state (after a failed sign-in)", "/simplesaml/module.php/core/loginuserpass.php?", pub + "/simplesaml/module.php/core/authenticate.php?as=ldap"},
		{"the state empty", "/simplesaml/module.php/core/loginuserpass.php?AuthState=", pub + "/simplesaml/module.php/core/authenticate.php?as=ldap"},
		{"a pattern's page without its key", "/realms/demo/login-actions/authenticate?execution=x", pub + "/simplesaml/module.php/core/authenticate.php?as=ldap"},
		{"a pattern's page with its key", "/realms/demo/login-actions/authenticate?client_id=app", pub + "/realms/demo/login-actions/authenticate?client_id=app"},
		{"another page", "/login?next=/", pub + "/login?next=/"},
		{"none", "", pub + "/simplesaml/module.php/core/authenticate.php?as=ldap"},
		{"another origin", "https://evil.example/", pub + "/simplesaml/module.php/core/authenticate.php?as=ldap"},
		{"frontdoor's own", "/.frontdoor/reset", pub + "/simplesaml/module.php/core/authenticate.php?as=ldap"},
	}
	for _, tt := range tests {
		rt, _ := ssp.Keep(tt.raw, "/.frontdoor/")
		if got := ssp.URL(pub, rt); got != tt.want {
			t.Errorf("%s: %q leads to %q, want %q", tt.name, tt.raw, got, tt.want)
		}
	}
	if got := (Targets{}).URL(pub, ""); got != pub+"/" {
		t.Errorf("no fallback: %q", got)
	}
	if got := (Targets{SignInURL: "https://portal.example.test/"}).URL(pub, ""); got != "https://portal.example.test/" {
		t.Errorf("absolute fallback: %q", got)
	}
}
