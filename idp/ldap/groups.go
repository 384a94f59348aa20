package ldap

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// inChain is LDAP_MATCHING_RULE_IN_CHAIN: Active Directory follows nested
// group membership for a filter using it.
const inChain = "1.2.840.113556.1.4.1941"

// Primary groups that make an Active Directory account privileged: Domain
// Admins, Schema Admins, Enterprise Admins, Administrators. A primary group
// does not show in memberOf.
var privilegedRIDs = map[string]bool{"512": true, "518": true, "519": true, "544": true}

// IsMember reports whether u belongs to group: through nested groups on
// Active Directory, directly (member or uniqueMember) on OpenLDAP.
func (d *Directory) IsMember(ctx context.Context, u idp.User, group string) (bool, error) {
	var in bool
	err := d.read(ctx, "group membership", func(c *ldap.Conn) error {
		var err error
		in, err = d.memberOfAny(c, u.DN, []string{group})
		return err
	})
	return in, err
}

// privileged tells whether the entry is an administrator's.
func (d *Directory) privileged(c *ldap.Conn, e *ldap.Entry) (bool, error) {
	if d.dialect == ActiveDirectory &&
		(e.GetAttributeValue("adminCount") == "1" || privilegedRIDs[e.GetAttributeValue("primaryGroupID")]) {
		return true, nil
	}
	return d.memberOfAny(c, e.DN, d.connected().adminGroups)
}

// memberOfAny tells whether the user entry dn is a member of one of groups.
func (d *Directory) memberOfAny(c *ldap.Conn, dn string, groups []string) (bool, error) {
	if len(groups) == 0 {
		return false, nil
	}
	if d.dialect == ActiveDirectory {
		filter := "(|"
		for _, g := range groups {
			filter += "(memberOf:" + inChain + ":=" + ldap.EscapeFilter(g) + ")"
		}
		return d.exists(c, dn, filter+")")
	}
	for _, g := range groups {
		v := ldap.EscapeFilter(dn)
		ok, err := d.exists(c, g, "(|(member="+v+")(uniqueMember="+v+"))")
		if ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// exists tells whether the entry base matches filter. A missing entry does
// not match.
func (d *Directory) exists(c *ldap.Conn, base, filter string) (bool, error) {
	req := ldap.NewSearchRequest(base, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1,
		d.timeLimit(), false, filter, []string{"1.1"}, nil)
	res, err := c.Search(req)
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return false, nil
	}
	if err != nil {
		return false, generic(fmt.Sprintf("search %s", base), err)
	}
	return len(res.Entries) > 0, nil
}

// InContainer implements idp.Container: whether the entry's DN ends with
// the container's DN, compared as the directory compares DNs.
func (d *Directory) InContainer(u idp.User, container string) bool {
	dn, ou := strings.ToLower(normDN(u.DN)), strings.ToLower(normDN(container))
	return ou != "" && strings.HasSuffix(dn, ","+ou)
}
