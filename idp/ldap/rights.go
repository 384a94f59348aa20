package ldap

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// ExcessRights implements idp.RightsChecker: the account frontdoor binds as
// must not be an administrator. On Active Directory that is adminCount=1, a
// privileged primary group, or membership, nested, of Domain Admins,
// Enterprise Admins, Schema Admins, Administrators or an admin_groups
// group; on OpenLDAP, membership of an admin_groups group (the rootdn is
// refused by the configuration already).
func (d *Directory) ExcessRights(ctx context.Context) (string, error) {
	var excess []string
	err := d.read(ctx, "service account rights", func(c *ldap.Conn) error {
		e, err := d.serviceEntry(c)
		if err != nil || e == nil {
			return err
		}
		if d.dialect == ActiveDirectory {
			if e.GetAttributeValue("adminCount") == "1" {
				excess = append(excess, "adminCount=1")
			}
			if rid := e.GetAttributeValue("primaryGroupID"); privilegedRIDs[rid] {
				excess = append(excess, "a privileged primary group (RID "+rid+")")
			}
		}
		for _, g := range d.cfg.AdminGroups {
			in, err := d.memberOfAny(c, e.DN, []string{g})
			if err != nil {
				return err
			}
			if in {
				excess = append(excess, "a member of "+g)
			}
		}
		return nil
	})
	if err != nil || len(excess) == 0 {
		return "", err
	}
	return fmt.Sprintf("the service account %s is an administrator: %s", d.cfg.BindDN, strings.Join(excess, "; ")), nil
}

// serviceEntry reads the entry of the account frontdoor binds as. Active
// Directory also takes a user principal name (name@domain) or a down-level
// name (DOMAIN\name) as the bind name: those are looked up from the
// domain's root. It returns nil when no entry has that name.
func (d *Directory) serviceEntry(c *ldap.Conn) (*ldap.Entry, error) {
	attrs := []string{"adminCount", "primaryGroupID"}
	if _, err := ldap.ParseDN(d.cfg.BindDN); err == nil && strings.Contains(d.cfg.BindDN, "=") {
		req := ldap.NewSearchRequest(d.cfg.BindDN, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1,
			d.timeLimit(), false, "(objectClass=*)", attrs, nil)
		res, err := c.Search(req)
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return nil, nil
		}
		if err != nil {
			return nil, generic("read the service account", err)
		}
		return res.Entries[0], nil
	}
	if d.dialect != ActiveDirectory {
		return nil, nil
	}
	// An explicit user principal name first; then the implicit one
	// (sAMAccountName@domain, what an account without the attribute binds
	// with), or a down-level name's account name.
	var filters []string
	if _, name, ok := strings.Cut(d.cfg.BindDN, `\`); ok {
		filters = []string{"(sAMAccountName=" + ldap.EscapeFilter(name) + ")"}
	} else {
		local, _, _ := strings.Cut(d.cfg.BindDN, "@")
		filters = []string{"(userPrincipalName=" + ldap.EscapeFilter(d.cfg.BindDN) + ")",
			"(sAMAccountName=" + ldap.EscapeFilter(local) + ")"}
	}
	root, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1,
		d.timeLimit(), false, "(objectClass=*)", []string{"defaultNamingContext"}, nil))
	if err != nil || len(root.Entries) == 0 {
		return nil, generic("read the root DSE", err)
	}
	for _, f := range filters {
		res, err := c.Search(ldap.NewSearchRequest(root.Entries[0].GetAttributeValue("defaultNamingContext"),
			ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 2, d.timeLimit(), false,
			"(&(objectCategory=person)"+f+")", attrs, nil))
		if err != nil {
			return nil, generic("look up the service account", err)
		}
		if len(res.Entries) == 1 {
			return res.Entries[0], nil
		}
	}
	return nil, nil
}
