package ldap

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// Active Directory's administrators' groups are found by their well-known
// SIDs, not by name: the names are translated in localised domains
// ("Domänen-Admins") and can be renamed, and base_dn may be an OU below the
// domain's root. Domain Admins (RID 512) is the domain's own; Schema Admins
// (518) and Enterprise Admins (519) are the forest root domain's;
// Administrators is BUILTIN's (S-1-5-32-544).
var (
	domainAdminRIDs = []uint32{512}
	forestAdminRIDs = []uint32{518, 519}
	builtinAdmins   = "S-1-5-32-544"
)

// adminGroupDNs finds the DNs of AD's administrators' groups on c: those of
// this domain by SID; those of the forest root domain by SID when it is
// this domain, else by their usual names under its root (a DC holds only
// its own domain). The configured admin_groups are not among them.
func adminGroupDNs(c *ldap.Conn, defaultNC, rootNC string) ([]string, error) {
	if defaultNC == "" {
		return nil, fmt.Errorf("ldap: the RootDSE names no defaultNamingContext")
	}
	if rootNC == "" {
		rootNC = defaultNC
	}
	sid, err := objectSID(c, defaultNC)
	if err != nil {
		return nil, err
	}
	sids := []string{builtinAdmins}
	for _, rid := range domainAdminRIDs {
		sids = append(sids, fmt.Sprintf("%s-%d", sid, rid))
	}
	var byName []string
	if strings.EqualFold(normDN(rootNC), normDN(defaultNC)) {
		for _, rid := range forestAdminRIDs {
			sids = append(sids, fmt.Sprintf("%s-%d", sid, rid))
		}
	} else {
		byName = []string{"CN=Schema Admins,CN=Users," + rootNC, "CN=Enterprise Admins,CN=Users," + rootNC}
	}
	filter := "(|"
	for _, s := range sids {
		filter += "(objectSid=" + ldap.EscapeFilter(s) + ")"
	}
	filter += ")"
	res, err := c.Search(ldap.NewSearchRequest(defaultNC, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(&(objectClass=group)"+filter+")", []string{"1.1"}, nil))
	if err != nil {
		return nil, generic("find the administrators' groups", err)
	}
	dns := make([]string, 0, len(res.Entries)+len(byName))
	for _, e := range res.Entries {
		dns = append(dns, e.DN)
	}
	if len(res.Entries) < len(sids) {
		return nil, fmt.Errorf("ldap: found %d of the %d administrators' groups by SID", len(res.Entries), len(sids))
	}
	return append(dns, byName...), nil
}

// objectSID reads the objectSid of the entry dn, in its string form.
func objectSID(c *ldap.Conn, dn string) (string, error) {
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"objectSid"}, nil))
	if err != nil {
		return "", generic("read the domain's SID", err)
	}
	if len(res.Entries) != 1 {
		return "", fmt.Errorf("ldap: the domain %s cannot be read", dn)
	}
	return sidString(res.Entries[0].GetRawAttributeValue("objectSid"))
}

// sidString turns a binary SID (MS-DTYP 2.4.2.2) into S-1-5-21-....
func sidString(b []byte) (string, error) {
	if len(b) < 8 || b[0] != 1 || len(b) != 8+4*int(b[1]) {
		return "", fmt.Errorf("ldap: malformed SID of %d bytes", len(b))
	}
	var auth uint64
	for _, x := range b[2:8] {
		auth = auth<<8 | uint64(x)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "S-1-%d", auth)
	for i := range int(b[1]) {
		fmt.Fprintf(&sb, "-%d", binary.LittleEndian.Uint32(b[8+4*i:]))
	}
	return sb.String(), nil
}
