package ldap

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// GroupMembers returns the users who belong to group (a DN), at most limit
// of them, for mailing a group of people such as the helpdesk. On Active
// Directory nested membership counts; on OpenLDAP the group's member and
// uniqueMember values are read, and members that are not users (nested
// groups, entries outside the user filter) are left out. A group that does
// not exist is idp.ErrNotFound.
func (d *Directory) GroupMembers(ctx context.Context, group string, limit int) ([]idp.User, error) {
	if limit <= 0 {
		return nil, nil
	}
	var users []idp.User
	err := d.read(ctx, "group members", func(c *ldap.Conn) error {
		users = users[:0]
		if d.dialect == ActiveDirectory {
			return d.adMembers(c, group, limit, &users)
		}
		return d.openLDAPMembers(c, group, limit, &users)
	})
	if err != nil {
		return nil, err
	}
	return users, nil
}

func (d *Directory) adMembers(c *ldap.Conn, group string, limit int, users *[]idp.User) error {
	if ok, err := d.exists(c, group, "(objectClass=group)"); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("ldap: group members: %w", idp.ErrNotFound)
	}
	filter := "(&" + d.cfg.UserFilter + "(memberOf:" + inChain + ":=" + ldap.EscapeFilter(group) + "))"
	req := ldap.NewSearchRequest(d.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		limit, d.timeLimit(), false, filter, d.attrs, nil)
	res, err := c.Search(req)
	if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		return generic("group members", err)
	}
	// Samba does not always honour the size limit: apply it here too.
	for _, e := range res.Entries[:min(limit, len(res.Entries))] {
		*users = append(*users, d.user(e))
	}
	return nil
}

func (d *Directory) openLDAPMembers(c *ldap.Conn, group string, limit int, users *[]idp.User) error {
	req := ldap.NewSearchRequest(group, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1,
		d.timeLimit(), false, "(objectClass=*)", []string{"member", "uniqueMember"}, nil)
	res, err := c.Search(req)
	switch {
	case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject), err == nil && len(res.Entries) == 0:
		return fmt.Errorf("ldap: group members: %w", idp.ErrNotFound)
	case err != nil:
		return generic("group members", err)
	}
	g := res.Entries[0]
	for _, dn := range append(g.GetAttributeValues("member"), g.GetAttributeValues("uniqueMember")...) {
		if len(*users) == limit {
			return nil
		}
		// uniqueMember may carry an optional UID after '#'.
		if i := strings.LastIndex(dn, "#'"); i > 0 {
			dn = dn[:i]
		}
		req := ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1,
			d.timeLimit(), false, d.cfg.UserFilter, d.attrs, nil)
		res, err := c.Search(req)
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			continue
		}
		if err != nil {
			return generic("group members", err)
		}
		for _, e := range res.Entries {
			*users = append(*users, d.user(e))
		}
	}
	return nil
}
