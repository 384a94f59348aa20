package ldap

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

var _ idp.RightsChecker = (*Directory)(nil)

// errNoServiceEntry: the account frontdoor binds as has no entry it can
// read, so its rights could not be checked.
var errNoServiceEntry = errors.New("the service account's entry cannot be read: its rights were not checked")

// ExcessRights implements idp.RightsChecker: the account frontdoor binds as
// must not be an administrator. On Active Directory that is adminCount=1
// (set on members of protected groups, and left after they leave), a
// privileged primary group, or membership, nested, of Domain Admins,
// Enterprise Admins, Schema Admins, Administrators or an admin_groups
// group; on OpenLDAP, membership of an admin_groups group (the rootdn is
// refused by the configuration already).
func (d *Directory) ExcessRights(ctx context.Context) (string, error) {
	var excess []string
	err := d.read(ctx, "service account rights", func(c *ldap.Conn) error {
		dn := d.cfg.BindDN
		e, err := d.serviceEntry(c)
		switch {
		case err != nil:
			return err
		case e == nil && d.dialect == ActiveDirectory:
			return errNoServiceEntry
		case e != nil:
			dn = e.DN
		}
		if e != nil && d.dialect == ActiveDirectory {
			if e.GetAttributeValue("adminCount") == "1" {
				excess = append(excess, "adminCount=1 (a member of a protected group, now or before)")
			}
			if rid := e.GetAttributeValue("primaryGroupID"); privilegedRIDs[rid] {
				excess = append(excess, "a privileged primary group (RID "+rid+")")
			}
		}
		// On OpenLDAP the groups name their members by DN: the bind DN is
		// enough, even when the entry itself cannot be read.
		for _, g := range d.connected().adminGroups {
			in, err := d.memberOfAny(c, dn, []string{g})
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
// domain's root. It returns nil when no entry it can read has that name.
func (d *Directory) serviceEntry(c *ldap.Conn) (*ldap.Entry, error) {
	attrs := []string{"adminCount", "primaryGroupID"}
	if _, err := ldap.ParseDN(d.cfg.BindDN); err == nil && strings.Contains(d.cfg.BindDN, "=") {
		req := ldap.NewSearchRequest(d.cfg.BindDN, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1,
			d.timeLimit(), false, "(objectClass=*)", attrs, nil)
		res, err := c.Search(req)
		switch {
		case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject):
			return nil, nil
		case err != nil:
			return nil, generic("read the service account", err)
		case len(res.Entries) == 0: // hidden by the directory's access rules
			return nil, nil
		}
		return res.Entries[0], nil
	}
	if d.dialect != ActiveDirectory {
		return nil, nil
	}
	root := d.connected().domain // never empty: connecting needs it to find the administrators' groups
	// An explicit user principal name; else the implicit one
	// (sAMAccountName@the domain's DNS name, what an account without the
	// attribute binds with), or a down-level name's account name.
	var filters []string
	if _, name, ok := strings.Cut(d.cfg.BindDN, `\`); ok {
		filters = []string{"(sAMAccountName=" + ldap.EscapeFilter(name) + ")"}
	} else {
		filters = []string{"(userPrincipalName=" + ldap.EscapeFilter(d.cfg.BindDN) + ")"}
		if local, domain, _ := strings.Cut(d.cfg.BindDN, "@"); strings.EqualFold(domain, dnsName(root)) {
			filters = append(filters, "(sAMAccountName="+ldap.EscapeFilter(local)+")")
		}
	}
	for _, f := range filters {
		res, err := c.Search(ldap.NewSearchRequest(root, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 2,
			d.timeLimit(), false, "(&(objectCategory=person)"+f+")", attrs, nil))
		if err != nil {
			return nil, generic("look up the service account", err)
		}
		if len(res.Entries) == 1 {
			return res.Entries[0], nil
		}
	}
	return nil, nil
}

// dnsName is the DNS name of a domain's naming context: example.test for
// DC=example,DC=test.
func dnsName(dn string) string {
	p, err := ldap.ParseDN(dn)
	if err != nil {
		return ""
	}
	var labels []string
	for _, rdn := range p.RDNs {
		for _, a := range rdn.Attributes {
			if strings.EqualFold(a.Type, "dc") {
				labels = append(labels, a.Value)
			}
		}
	}
	return strings.Join(labels, ".")
}
