package ldap

import (
	"strconv"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// policyTTL is how long a password policy's pwdMaxAge read from the
// directory is reused.
const policyTTL = 5 * time.Minute

// policyCache keeps the pwdMaxAge of the password policy entries read.
type policyCache struct {
	mu sync.Mutex
	m  map[string]policyAge
}

type policyAge struct {
	maxAge time.Duration
	read   time.Time
}

// passwordExpired tells whether an OpenLDAP entry's password is older than
// its policy's pwdMaxAge (ppolicy then refuses the bind, or allows only
// grace binds). The policy is the entry's pwdPolicySubentry, else
// password_policy_dn (the server's ppolicy_default); without one, or when it
// cannot be read, the password is not taken as expired.
func (d *Directory) passwordExpired(c *ldap.Conn, e *ldap.Entry) bool {
	changed, err := time.Parse("20060102150405Z", e.GetAttributeValue("pwdChangedTime"))
	if err != nil {
		return false
	}
	dn := e.GetAttributeValue("pwdPolicySubentry")
	if dn == "" {
		dn = d.cfg.PasswordPolicyDN
	}
	if dn == "" {
		return false
	}
	maxAge, ok := d.policyMaxAge(c, dn)
	return ok && maxAge > 0 && !d.Now().Before(changed.Add(maxAge))
}

// policyMaxAge reads (or reuses) the pwdMaxAge of the policy entry dn.
func (d *Directory) policyMaxAge(c *ldap.Conn, dn string) (time.Duration, bool) {
	now := d.Now()
	d.policies.mu.Lock()
	p, ok := d.policies.m[dn]
	d.policies.mu.Unlock()
	if ok && now.Sub(p.read) < policyTTL {
		return p.maxAge, true
	}
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, d.timeLimit(), false,
		"(objectClass=pwdPolicy)", []string{"pwdMaxAge"}, nil))
	if err != nil || len(res.Entries) != 1 {
		return 0, false
	}
	secs, _ := strconv.ParseInt(res.Entries[0].GetAttributeValue("pwdMaxAge"), 10, 64)
	p = policyAge{maxAge: time.Duration(secs) * time.Second, read: now}
	d.policies.mu.Lock()
	if d.policies.m == nil {
		d.policies.m = map[string]policyAge{}
	}
	d.policies.m[dn] = p
	d.policies.mu.Unlock()
	return p.maxAge, true
}
