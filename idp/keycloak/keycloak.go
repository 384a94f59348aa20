package keycloak

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Compile-time checks of the capabilities Directory offers.
var (
	_ idp.Directory      = (*Directory)(nil)
	_ idp.PasswordSetter = (*Directory)(nil)
	_ idp.Unlocker       = (*Directory)(nil)
	_ idp.GroupMember    = (*Directory)(nil)
)

// Keycloak's marks of a user it disabled itself after a permanent lockout
// (BruteForceProtector.DISABLED_REASON and DISABLED_BY_PERMANENT_LOCKOUT).
const (
	disabledReasonAttr = "disabledReason"
	permanentLockout   = "permanentLockout"
	updatePassword     = "UPDATE_PASSWORD"
	// serviceAccountPrefix starts the username of every client's service
	// account user (ServiceAccountConstants): never a person, never found.
	serviceAccountPrefix = "service-account-"
)

// maxLogin is Keycloak's longest username; a longer login matches no one.
const maxLogin = 255

// Directory is one Keycloak realm reached through the admin REST API. It is
// safe for concurrent use.
type Directory struct {
	cfg    Config
	log    *slog.Logger
	hc     *http.Client
	admin  string // base URL of the realm's admin API
	tokens *tokenSource
}

// New returns the backend for a validated configuration.
func New(c Config, log *slog.Logger) (*Directory, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hc, err := httpClient(c)
	if err != nil {
		return nil, err
	}
	realm := url.PathEscape(c.Realm)
	return &Directory{
		cfg:   c,
		log:   log,
		hc:    hc,
		admin: c.BaseURL + "/admin/realms/" + realm,
		tokens: &tokenSource{
			hc:       hc,
			endpoint: c.BaseURL + "/realms/" + realm + "/protocol/openid-connect/token",
			id:       c.ClientID,
			secret:   c.ClientSecret,
			now:      time.Now,
		},
	}, nil
}

// userRep is the part of Keycloak's UserRepresentation frontdoor reads.
type userRep struct {
	ID              string              `json:"id"`
	Username        string              `json:"username"`
	FirstName       string              `json:"firstName"`
	LastName        string              `json:"lastName"`
	Email           string              `json:"email"`
	Enabled         bool                `json:"enabled"`
	RequiredActions []string            `json:"requiredActions"`
	Attributes      map[string][]string `json:"attributes"`
}

// lockedOutForGood reports whether Keycloak itself disabled the user for a
// permanent brute-force lockout (not an administrator).
func (r userRep) lockedOutForGood() bool {
	return !r.Enabled && slices.Contains(r.Attributes[disabledReasonAttr], permanentLockout)
}

// Lookup returns the one user whose username or email is login, compared
// exactly and without case (Keycloak keeps both in lower case).
func (d *Directory) Lookup(ctx context.Context, login string) (idp.User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if !plausible(login) {
		return idp.User{}, fmt.Errorf("keycloak: lookup: %w", idp.ErrNotFound)
	}
	fields := []string{"username"}
	if strings.Contains(login, "@") {
		fields = append(fields, "email")
	}
	var found []userRep
	for _, field := range fields {
		var reps []userRep
		q := url.Values{field: {login}, "exact": {"true"}, "briefRepresentation": {"false"}, "max": {"10"}}
		if err := d.getJSON(ctx, "/users", q, &reps); err != nil {
			if errors.Is(err, idp.ErrNotFound) {
				// The search itself is missing, not a user: a wrong realm,
				// or a base_url that does not reach the admin API.
				return idp.User{}, fmt.Errorf("keycloak: lookup: the users search answered 404 (check realm and base_url): %w", idp.ErrUnavailable)
			}
			return idp.User{}, fmt.Errorf("keycloak: lookup: %w", err)
		}
		for _, r := range reps {
			// Keep only exact matches, whatever the search understood.
			exact := strings.ToLower(r.Username) == login || strings.ToLower(r.Email) == login
			if strings.HasPrefix(strings.ToLower(r.Username), serviceAccountPrefix) {
				continue
			}
			if exact && !slices.ContainsFunc(found, func(f userRep) bool { return f.ID == r.ID }) {
				found = append(found, r)
			}
		}
	}
	switch len(found) {
	case 0:
		return idp.User{}, fmt.Errorf("keycloak: lookup: %w", idp.ErrNotFound)
	case 1:
		return d.user(ctx, found[0])
	default:
		return idp.User{}, fmt.Errorf("keycloak: lookup: %d users: %w", len(found), idp.ErrAmbiguous)
	}
}

// plausible rejects logins that cannot be a Keycloak username or email, so
// that they match no one without a request.
func plausible(login string) bool {
	if login == "" || len(login) > maxLogin || !utf8.ValidString(login) {
		return false
	}
	return !strings.ContainsFunc(login, unicode.IsControl)
}

// user completes a representation with the brute-force state, the groups
// and the privileged roles.
func (d *Directory) user(ctx context.Context, r userRep) (idp.User, error) {
	a := d.cfg.Attributes
	u := idp.User{
		ID:          r.ID,
		Login:       r.Username,
		GivenName:   r.FirstName,
		Surname:     r.LastName,
		DisplayName: strings.TrimSpace(r.FirstName + " " + r.LastName),
		MustChange:  slices.Contains(r.RequiredActions, updatePassword),
		Mobile:      first(r.Attributes[a.Mobile]),
		Phone:       first(r.Attributes[a.Phone]),
	}
	if u.DisplayName == "" {
		u.DisplayName = r.Username
	}
	if r.Email != "" {
		u.Emails = append(u.Emails, r.Email)
	}
	if a.Mail != "" {
		for _, m := range r.Attributes[a.Mail] {
			if m != "" && !slices.Contains(u.Emails, m) {
				u.Emails = append(u.Emails, m)
			}
		}
	}
	switch {
	case r.lockedOutForGood():
		u.Locked = true
	case !r.Enabled:
		u.Disabled = true
	default:
		locked, err := d.bruteForceLocked(ctx, r.ID)
		if err != nil {
			return idp.User{}, err
		}
		u.Locked = locked
	}
	groups, err := d.groupPaths(ctx, r.ID)
	if err != nil {
		return idp.User{}, err
	}
	u.Groups = groups
	if u.PasswordSet, err = d.passwordSet(ctx, r.ID); err != nil {
		return idp.User{}, err
	}
	if len(d.cfg.PrivilegedRoles) > 0 {
		roles, err := d.realmRoles(ctx, r.ID)
		if err != nil {
			return idp.User{}, err
		}
		u.Privileged = slices.ContainsFunc(roles, func(r string) bool { return slices.Contains(d.cfg.PrivilegedRoles, r) })
	}
	return u, nil
}

// bruteForceLocked asks the attack-detection endpoint whether sign-in is
// refused for failed attempts.
func (d *Directory) bruteForceLocked(ctx context.Context, id string) (bool, error) {
	var st struct {
		Disabled bool `json:"disabled"`
	}
	if err := d.getJSON(ctx, "/attack-detection/brute-force/users/"+url.PathEscape(id), nil, &st); err != nil {
		return false, fmt.Errorf("keycloak: brute-force state: %w", err)
	}
	return st.Disabled, nil
}

// passwordSet returns the creation time of the user's password credential
// (milliseconds since 1970, as text), which Keycloak renews on every change
// of the password; "" when the user has none.
func (d *Directory) passwordSet(ctx context.Context, id string) (string, error) {
	var creds []struct {
		Type        string `json:"type"`
		CreatedDate int64  `json:"createdDate"`
	}
	if err := d.getJSON(ctx, "/users/"+url.PathEscape(id)+"/credentials", nil, &creds); err != nil {
		return "", fmt.Errorf("keycloak: credentials: %w", err)
	}
	for _, c := range creds {
		if c.Type == "password" {
			return strconv.FormatInt(c.CreatedDate, 10), nil
		}
	}
	return "", nil
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// Check gets a token and reads the realm's user count, which needs the
// service account's view-users role. It suits a readiness probe.
func (d *Directory) Check(ctx context.Context) error {
	var n int
	if err := d.getJSON(ctx, "/users/count", nil, &n); err != nil {
		return fmt.Errorf("keycloak: check: %w", err)
	}
	return nil
}
