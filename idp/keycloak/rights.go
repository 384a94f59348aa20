package keycloak

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// neededRoles are the realm-management roles frontdoor's client uses, and
// those they bring with them (Keycloak's manage-users and view-users are
// composites of query-users and query-groups).
var neededRoles = []string{"view-users", "manage-users", "query-users", "query-groups"}

// ExcessRights implements idp.RightsChecker: the roles of the realm's
// realm-management client that the service account's access token carries
// beyond neededRoles (realm-admin, manage-realm, manage-clients,
// impersonation, ...). The token comes straight from the realm's token
// endpoint over TLS; it is read here, not trusted for anything else.
func (d *Directory) ExcessRights(ctx context.Context) (string, error) {
	tok, err := d.tokens.token(ctx)
	if err != nil {
		return "", err
	}
	roles, err := realmManagementRoles(tok)
	if err != nil {
		return "", err
	}
	// Keycloak's admin API does not go by the token's claims: a token
	// without them (a lightweight access token, or the roles scope taken
	// off the client) says nothing of what the client may do. One that
	// lacks the roles frontdoor needs cannot be the whole list.
	if !slices.Contains(roles, "view-users") || !slices.Contains(roles, "manage-users") {
		return "", errRolesNotListed
	}
	var extra []string
	for _, r := range roles {
		if !slices.Contains(neededRoles, r) {
			extra = append(extra, r)
		}
	}
	if len(extra) == 0 {
		return "", nil
	}
	slices.Sort(extra)
	return fmt.Sprintf("client %q holds realm-management roles it does not need: %s (it needs view-users and manage-users only)",
		d.cfg.ClientID, strings.Join(extra, ", ")), nil
}

var _ idp.RightsChecker = (*Directory)(nil)

var errRolesNotListed = errors.New("keycloak: the client's access token does not list its realm-management roles " +
	"(a lightweight access token, or no roles scope): its rights were not checked")

// realmManagementRoles reads resource_access.realm-management.roles from
// an access token in JWT form.
func realmManagementRoles(tok string) ([]string, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("keycloak: the access token is not a JWT: its roles cannot be read")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("keycloak: the access token's payload: %w", err)
	}
	var claims struct {
		ResourceAccess map[string]struct {
			Roles []string `json:"roles"`
		} `json:"resource_access"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("keycloak: the access token's payload: %w", err)
	}
	return claims.ResourceAccess["realm-management"].Roles, nil
}
