package config

// Preset holds what frontdoor knows about a family of sign-in services: where
// the sign-in page is, where to put the links, and which of its own paths the
// product uses for "forgot password" so frontdoor can take them over.
type Preset struct {
	SignInPaths []string
	InjectAfter string
	Intercept   Intercept
	// BlockPaths are the product's admin pages and APIs, which the public
	// address of a sign-in page has no reason to serve.
	BlockPaths []string
	// ReturnNeeds lists the product's sign-in pages (exact, or with {name}
	// segments) that cannot be shown again without some query keys: a flow
	// that started from one without them returns to upstream.sign_in_url.
	ReturnNeeds map[string][]string
}

// Presets by upstream.preset name. Any field set in the file wins over these.
var Presets = map[string]Preset{
	"generic": {
		SignInPaths: []string{"/login"},
		InjectAfter: "#login-form",
		Intercept:   Intercept{Reset: []string{"/forgot-password"}},
	},
	// Keycloak renders its login form (form#kc-form-login) at .../login-actions/authenticate
	// and, on the first visit, straight from the OIDC auth endpoint; its own reset flow
	// lives at .../login-actions/reset-credentials.
	"keycloak": {
		SignInPaths: []string{
			"/realms/{realm}/protocol/openid-connect/auth",
			"/realms/{realm}/login-actions/authenticate",
		},
		InjectAfter: "#kc-form-login",
		Intercept:   Intercept{Reset: []string{"/realms/{realm}/login-actions/reset-credentials"}},
		// The admin console (/admin/master/console/), the admin REST API
		// (/admin/realms/...) and the master realm, where administrators
		// sign in; users belong in realms of their own.
		BlockPaths: []string{"/admin", "/admin/*", "/realms/master", "/realms/master/*"},
		ReturnNeeds: map[string][]string{
			"/realms/{realm}/protocol/openid-connect/auth": {"client_id"},
			"/realms/{realm}/login-actions/authenticate":   {"client_id"},
		},
	},
	// Dex shows the password connector's form at /auth/{connector}/login (below its
	// issuer path); it has no reset of its own.
	"dex": {
		SignInPaths: []string{"/auth/{connector}/login", "/dex/auth/{connector}/login"},
		InjectAfter: "#submit-login",
		ReturnNeeds: map[string][]string{"/auth/{connector}/login": {"state"}, "/dex/auth/{connector}/login": {"state"}},
	},
	// SimpleSAMLphp's core username/password page; it has no reset of its own.
	// After a failed sign-in the page's address has lost its AuthState (it
	// came in the POST), and without it the page answers 400.
	"simplesamlphp": {
		SignInPaths: []string{"/simplesaml/module.php/core/loginuserpass.php", "/simplesaml/module.php/core/loginuserpass"},
		InjectAfter: "form",
		// The admin interface: configuration check, metadata tools, test sign-ins.
		BlockPaths: []string{"/simplesaml/admin", "/simplesaml/admin/*", "/simplesaml/module.php/admin", "/simplesaml/module.php/admin/*"},
		ReturnNeeds: map[string][]string{
			"/simplesaml/module.php/core/loginuserpass.php": {"AuthState"},
			"/simplesaml/module.php/core/loginuserpass":     {"AuthState"},
		},
	},
	// Authentik renders its flows in the ak-flow-executor element of /if/flow/{slug}/;
	// the default recovery flow is the product's own reset. The page runs the flow
	// through the flow executor API, which anyone can call directly, so that is
	// taken over too.
	"authentik": {
		SignInPaths: []string{"/if/flow/default-authentication-flow/"},
		InjectAfter: "ak-flow-executor",
		Intercept: Intercept{Reset: []string{"/if/flow/default-recovery-flow/",
			"/api/v3/flows/executor/default-recovery-flow/"}},
		// The admin interface's pages (its API shares /api/v3 with the
		// sign-in flows, so it stays reachable: authentik's own permissions
		// guard it).
		BlockPaths: []string{"/if/admin", "/if/admin/*"},
	},
	// AD FS forms sign-in at /adfs/ls/ in form#loginForm.
	"adfs": {
		SignInPaths: []string{"/adfs/ls/", "/adfs/ls/idpinitiatedsignon", "/adfs/ls/idpinitiatedsignon.aspx"},
		InjectAfter: "#loginForm",
	},
}
