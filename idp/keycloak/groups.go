package keycloak

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// rolePrefix marks a scope that names a realm role instead of a group.
const rolePrefix = "role:"

// IsMember reports whether u belongs to group: a group path (/helpdesk,
// /staff/helpdesk) or a top-level group's name (helpdesk); membership of a
// subgroup counts for its parents. "role:NAME" asks instead whether u has the
// realm role NAME, directly, through a composite role or through a group.
func (d *Directory) IsMember(ctx context.Context, u idp.User, group string) (bool, error) {
	if u.ID == "" {
		return false, fmt.Errorf("keycloak: is member: %w", idp.ErrNotFound)
	}
	if role, ok := strings.CutPrefix(group, rolePrefix); ok {
		roles, err := d.realmRoles(ctx, u.ID)
		if err != nil {
			return false, err
		}
		return slices.Contains(roles, role), nil
	}
	want := group
	if !strings.HasPrefix(want, "/") {
		want = "/" + want
	}
	paths, err := d.groupPaths(ctx, u.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(paths, func(p string) bool {
		return p == want || strings.HasPrefix(p, want+"/")
	}), nil
}

// groupPaths returns the paths of the groups u is a direct member of.
func (d *Directory) groupPaths(ctx context.Context, id string) ([]string, error) {
	var gs []struct {
		Path string `json:"path"`
	}
	q := url.Values{"max": {"1000"}}
	if err := d.getJSON(ctx, userPath(id)+"/groups", q, &gs); err != nil {
		return nil, fmt.Errorf("keycloak: groups: %w", err)
	}
	paths := make([]string, 0, len(gs))
	for _, g := range gs {
		paths = append(paths, g.Path)
	}
	return paths, nil
}

// realmRoles returns u's effective realm roles.
func (d *Directory) realmRoles(ctx context.Context, id string) ([]string, error) {
	var rs []struct {
		Name string `json:"name"`
	}
	if err := d.getJSON(ctx, userPath(id)+"/role-mappings/realm/composite", nil, &rs); err != nil {
		return nil, fmt.Errorf("keycloak: realm roles: %w", err)
	}
	names := make([]string, 0, len(rs))
	for _, r := range rs {
		names = append(names, r.Name)
	}
	return names, nil
}
